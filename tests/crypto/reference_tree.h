// A naive RFC 6962 Merkle tree, written straight from RFC 6962 section 2.1
// (MTH, PATH, PROOF/SUBPROOF), to cross-check the fast code in crypto/.
//
// It hashes leaf data itself with SHA-256 and the 0x00 / 0x01 prefixes
// (not through crypto/merkle_hash.h) and recomputes every subtree from the
// leaves on every call: O(n) per call, fine for trees of a few thousand.
//
// The two verifiers are the same recursions run backwards: they rebuild the
// root(s) from a proof by walking the definition top-down, consuming proof
// hashes from the end. They share no code with crypto/merkle_verify.cc.
//
// Thread-safety: pure functions.
#ifndef LINEAGE_TESTS_CRYPTO_REFERENCE_TREE_H_
#define LINEAGE_TESTS_CRYPTO_REFERENCE_TREE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "crypto/hash.h"

namespace lineage {

// MTH(D[n]) over the leaf data `leaves`.
Hash ReferenceRoot(absl::Span<const std::string> leaves);

// PATH(m, D[n]), in RFC order (bottom-up). Requires m < n.
std::vector<Hash> ReferencePath(uint64_t m, absl::Span<const std::string> leaves);

// PROOF(m, D[n]) = SUBPROOF(m, D[n], true). Requires 0 < m <= n.
std::vector<Hash> ReferenceProof(uint64_t m, absl::Span<const std::string> leaves);

// The root that `path` implies for `leaf_hash` at index m of a tree of n
// leaves, if `path` has exactly the shape PATH(m, D[n]) has; nullopt if the
// shape does not fit (m >= n, too few or too many hashes).
std::optional<Hash> ReferenceRootFromPath(uint64_t m, uint64_t n, const Hash& leaf_hash,
                                          absl::Span<const Hash> path);

// True iff `proof` has the shape of PROOF(m, D[n]) and rebuilds both `root1`
// (of the first m leaves) and `root2` (of all n). m == 0 is never
// consistent (the policy of crypto/merkle_verify.h).
bool ReferenceVerifyConsistency(uint64_t m, uint64_t n, absl::Span<const Hash> proof,
                                const Hash& root1, const Hash& root2);

}  // namespace lineage

#endif  // LINEAGE_TESTS_CRYPTO_REFERENCE_TREE_H_
