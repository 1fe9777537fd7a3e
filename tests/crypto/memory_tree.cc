#include "tests/crypto/memory_tree.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace lineage {

void MemoryTree::Append(const Hash& leaf_hash) {
  frontier_.Append(leaf_hash, [&](int level, uint64_t index, const Hash& hash) {
    const bool inserted = nodes_.emplace(std::make_pair(level, index), hash).second;
    EXPECT_TRUE(inserted) << "node (" << level << ", " << index << ") reported twice";
  });
}

absl::StatusOr<Hash> MemoryTree::Read(uint64_t size, int level, uint64_t index) const {
  if (level < 0 || level > 63 || index >= (size >> level)) {
    // (index + 1) << level > size, written without overflow.
    return absl::OutOfRangeError(
        absl::StrCat("node (", level, ", ", index, ") is not inside a tree of size ", size));
  }
  auto it = nodes_.find({level, index});
  if (it == nodes_.end()) {
    return absl::NotFoundError(absl::StrCat("node (", level, ", ", index, ") never stored"));
  }
  return it->second;
}

std::function<absl::StatusOr<Hash>(int, uint64_t)> MemoryTree::ReaderAt(uint64_t size) const {
  return [this, size](int level, uint64_t index) { return Read(size, level, index); };
}

}  // namespace lineage
