// The right border of an append-only Merkle tree: what appending needs.
//
// A tree of size n is the hashes of the complete subtrees given by the set
// bits of n, largest (leftmost) first: at most 64 hashes. Appending a leaf
// merges equal-sized subtrees, so each append is O(log n) and reports every
// complete subtree it creates exactly once, which is what the log stores.
//
//   MerkleFrontier frontier;
//   frontier.Append(HashLeaf(leaf), [&](int level, uint64_t index, const Hash& h) {
//     batch.PutNode(level, index, h);
//   });
//   Hash root = frontier.Root();
//
// Thread-safety: not thread-safe; the single log writer owns one.
#ifndef LINEAGE_CRYPTO_MERKLE_FRONTIER_H_
#define LINEAGE_CRYPTO_MERKLE_FRONTIER_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "crypto/hash.h"

namespace lineage {

class MerkleFrontier {
 public:
  // The empty tree.
  MerkleFrontier() = default;

  // Rebuilds the frontier of a tree of `size` leaves from its complete
  // subtree hashes, largest first (one per set bit of `size`).
  // INVALID_ARGUMENT if the count does not match the set bits of `size`.
  static absl::StatusOr<MerkleFrontier> FromSubtrees(uint64_t size, std::vector<Hash> subtrees);

  // Appends one leaf hash. `on_complete_node` is called for the leaf itself
  // (level 0) and for every larger complete subtree this append completes,
  // bottom-up.
  void Append(const Hash& leaf_hash,
              absl::FunctionRef<void(int level, uint64_t index, const Hash& hash)> on_complete_node);

  // The RFC 6962 root of the current tree (EmptyTreeRoot() when empty).
  Hash Root() const;

  uint64_t size() const { return size_; }

  // Complete subtree hashes, largest first.
  const std::vector<Hash>& subtrees() const { return subtrees_; }

 private:
  uint64_t size_ = 0;
  std::vector<Hash> subtrees_;
};

// The (level, index) of each complete subtree making up a tree of `size`
// leaves, largest first. Used to load a frontier from stored nodes.
struct NodeAddress {
  int level;
  uint64_t index;
};
std::vector<NodeAddress> FrontierAddresses(uint64_t size);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_MERKLE_FRONTIER_H_
