// RFC 6962 / RFC 9162 Merkle tree hashing over SHA-256.
//
//   leaf hash  = SHA-256(0x00 || leaf bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   empty tree = SHA-256("")
//
// Nodes are addressed by (level, index): the node at level L, index i is the
// root of the complete subtree over leaves [i * 2^L, (i + 1) * 2^L).
//
// Thread-safety: pure functions, safe to call concurrently.
#ifndef LINEAGE_CRYPTO_MERKLE_HASH_H_
#define LINEAGE_CRYPTO_MERKLE_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "crypto/hash.h"

namespace lineage {

inline constexpr uint8_t kMerkleLeafPrefix = 0x00;
inline constexpr uint8_t kMerkleNodePrefix = 0x01;

// SHA-256(0x00 || leaf).
Hash HashLeaf(absl::string_view leaf);

// SHA-256(0x01 || left || right).
Hash HashChildren(const Hash& left, const Hash& right);

// The root of the empty tree, SHA-256("").
Hash EmptyTreeRoot();

// The largest power of two strictly less than n. Requires n >= 2.
uint64_t LargestPowerOfTwoBelow(uint64_t n);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_MERKLE_HASH_H_
