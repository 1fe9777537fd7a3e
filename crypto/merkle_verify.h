// Verifies RFC 9162 inclusion and consistency proofs (sections 2.1.3.2 and
// 2.1.4.2). Used by the client and the offline verifier; no I/O.
//
// Policy, matching transparency-dev/merkle: consistency from size 0 is
// refused (even 0 -> 0); equal sizes need an empty proof and equal roots.
// Every function returns OK only when the proof verifies, and otherwise a
// status whose message says what did not match:
//   INVALID_ARGUMENT    the request itself is impossible (index >= size,
//                       size1 > size2, wrong number of hashes)
//   FAILED_PRECONDITION the proof is well formed but does not lead to the root
//
// Thread-safety: pure functions, safe to call concurrently.
#ifndef LINEAGE_CRYPTO_MERKLE_VERIFY_H_
#define LINEAGE_CRYPTO_MERKLE_VERIFY_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/hash.h"

namespace lineage {

// The root implied by an inclusion proof for `leaf_hash` at `index` in a
// tree of `size` leaves.
absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                            absl::Span<const Hash> proof);

// OK iff `proof` shows `leaf_hash` at `index` in the tree of `size` with
// root `root`.
absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root);

// OK iff `proof` shows the tree of `size1` with `root1` is a prefix of the
// tree of `size2` with `root2`.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, absl::Span<const Hash> proof,
                               const Hash& root1, const Hash& root2);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_MERKLE_VERIFY_H_
