// VisitMap: which nodes one traversal reached, by node ID, and where each
// sits in the traversal's list of reached nodes (TraversalResult::reached).
// Node IDs are dense integers from 1 (docs/formats.md §8), so the map is a
// paged array (4,096 IDs a page, allocated and zeroed when first touched),
// not a hash table: a lookup is two dependent loads, and memory follows the
// ID ranges a traversal touches (at most 4 bytes per node of the graph),
// with a bitmap beside it for the most frequent question, "reached yet?".
// IDs of 2^32 and above, which the graph never assigns, go to a hash table.
//
//   VisitMap visits;
//   auto [index, inserted] = visits.Insert(42, reached.size());
//   if (visits.contains(42)) ... reached[visits.Find(42)] ...
//
// Thread-safety: not thread-safe; one traversal's.
#ifndef LINEAGE_SERVER_GRAPH_VISIT_MAP_H_
#define LINEAGE_SERVER_GRAPH_VISIT_MAP_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace lineage {

class VisitMap {
 public:
  static constexpr uint32_t kNone = ~uint32_t{0};

  VisitMap() = default;
  VisitMap(VisitMap&&) = default;
  VisitMap& operator=(VisitMap&&) = default;

  // Number of nodes reached.
  size_t size() const { return size_; }
  // A bit test (the bits of a million nodes fit in 128 KiB, in cache).
  bool contains(uint64_t id) const {
    return id < kDenseLimit ? id / 64 < reached_.size() && (reached_[id / 64] >> (id % 64) & 1) != 0
                            : far_.contains(id);
  }
  // A hint that `id`'s index will be read soon (its slot is fetched).
  void Prefetch(uint64_t id) const {
    const uint64_t page = id >> kPageBits;
    if (id < kDenseLimit && page < pages_.size() && pages_[page] != nullptr) {
      __builtin_prefetch(&pages_[page][id & ((uint64_t{1} << kPageBits) - 1)]);
    }
  }
  // The index recorded for `id`; kNone if it was not reached.
  uint32_t Find(uint64_t id) const;
  // Records `id` at `index` (below kNone) unless it was reached: returns
  // its index and true if it is new, else the index it has and false.
  std::pair<uint32_t, bool> Insert(uint64_t id, uint32_t index);

 private:
  static constexpr int kPageBits = 12;
  static constexpr uint64_t kDenseLimit = uint64_t{1} << 32;

  std::vector<uint64_t> reached_;  // One bit per ID below kDenseLimit.
  // 1 + the index, 0 if not reached.
  std::vector<std::unique_ptr<uint32_t[]>> pages_;
  absl::flat_hash_map<uint64_t, uint32_t> far_;  // IDs >= kDenseLimit.
  size_t size_ = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_VISIT_MAP_H_
