// Builds RFC 6962 / RFC 9162 roots, inclusion proofs and consistency proofs
// from stored complete-subtree hashes.
//
// The caller supplies a NodeReader that returns the hash of the complete
// subtree at (level, index) (see merkle_hash.h for addressing). Every node
// asked for lies wholly inside the requested tree size, so a log that stores
// each complete subtree once can answer for any earlier size. Subtrees on the
// right border of a size that are not complete are computed from complete
// ones. No I/O happens here beyond calls to the reader.
//
//   auto proof = BuildInclusionProof(5, 8, reader);   // bottom-up hashes
//
// Thread-safety: pure functions; the reader must be safe for the caller's use.
#ifndef LINEAGE_CRYPTO_MERKLE_PROOF_H_
#define LINEAGE_CRYPTO_MERKLE_PROOF_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "crypto/hash.h"

namespace lineage {

// Returns the hash of the complete subtree at (level, index), or an error
// that is passed through unchanged.
using NodeReader = absl::FunctionRef<absl::StatusOr<Hash>(int level, uint64_t index)>;

// Root of the tree made of the first `size` leaves. EmptyTreeRoot() for 0.
absl::StatusOr<Hash> ComputeRootAt(uint64_t size, NodeReader read);

// RFC 9162 PATH(index, D[size]), bottom-up. INVALID_ARGUMENT unless
// index < size.
absl::StatusOr<std::vector<Hash>> BuildInclusionProof(uint64_t index, uint64_t size,
                                                      NodeReader read);

// RFC 9162 PROOF(size1, D[size2]). Empty when size1 == size2.
// INVALID_ARGUMENT unless 1 <= size1 <= size2 (consistency with the empty
// tree is not a statement the log makes).
absl::StatusOr<std::vector<Hash>> BuildConsistencyProof(uint64_t size1, uint64_t size2,
                                                        NodeReader read);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_MERKLE_PROOF_H_
