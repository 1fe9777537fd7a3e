#include "crypto/merkle_hash.h"

#include <bit>

namespace lineage {

Hash HashLeaf(absl::string_view leaf) {
  const char prefix = static_cast<char>(kMerkleLeafPrefix);
  return Sha256Concat({absl::string_view(&prefix, 1), leaf});
}

Hash HashChildren(const Hash& left, const Hash& right) {
  const char prefix = static_cast<char>(kMerkleNodePrefix);
  return Sha256Concat({absl::string_view(&prefix, 1), HashBytes(left), HashBytes(right)});
}

Hash EmptyTreeRoot() { return Sha256(""); }

uint64_t LargestPowerOfTwoBelow(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace lineage
