#include "crypto/merkle_frontier.h"

#include <bit>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "crypto/merkle_hash.h"

namespace lineage {

std::vector<NodeAddress> FrontierAddresses(uint64_t size) {
  std::vector<NodeAddress> out;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    out.push_back({level, begin >> level});
    begin += width;
  }
  return out;
}

absl::StatusOr<MerkleFrontier> MerkleFrontier::FromSubtrees(uint64_t size,
                                                            std::vector<Hash> subtrees) {
  const int want = std::popcount(size);
  if (static_cast<int>(subtrees.size()) != want) {
    return absl::InvalidArgumentError(absl::StrCat("frontier of size ", size, ": got ",
                                                   subtrees.size(), " subtrees, want ", want));
  }
  MerkleFrontier frontier;
  frontier.size_ = size;
  frontier.subtrees_ = std::move(subtrees);
  return frontier;
}

void MerkleFrontier::Append(
    const Hash& leaf_hash,
    absl::FunctionRef<void(int level, uint64_t index, const Hash& hash)> on_complete_node) {
  Hash current = leaf_hash;
  uint64_t index = size_;
  int level = 0;
  on_complete_node(0, index, current);
  // Each trailing one bit of the old size is a complete subtree of the same
  // width as `current`, immediately to its left: merge them.
  for (uint64_t bits = size_; (bits & 1) != 0; bits >>= 1) {
    current = HashChildren(subtrees_.back(), current);
    subtrees_.pop_back();
    ++level;
    index >>= 1;
    on_complete_node(level, index, current);
  }
  subtrees_.push_back(current);
  ++size_;
}

Hash MerkleFrontier::Root() const {
  if (subtrees_.empty()) return EmptyTreeRoot();
  Hash root = subtrees_.back();
  for (size_t i = subtrees_.size() - 1; i-- > 0;) root = HashChildren(subtrees_[i], root);
  return root;
}

}  // namespace lineage
