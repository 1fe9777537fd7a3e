// VisitMap: the nodes one traversal reached, by node ID, with how each was
// reached. Node IDs are dense integers from 1 (docs/formats.md §8), so the
// ID -> visit index is a paged array (4,096 IDs a page, allocated and
// zeroed when first touched), not a hash table: a lookup is two dependent
// loads, and memory follows the ID ranges a traversal touches (at most 4
// bytes per node of the graph, plus the visits themselves), with a bitmap
// beside it for the most frequent question, "reached yet?". IDs of 2^32 and
// above, which the graph never assigns, go to a hash table. Visits are
// stored in chunks of doubling size (64, 128, 256, ...), so a growing
// traversal never copies them and a small one allocates little.
//
//   VisitMap visits;
//   auto [visit, inserted] = visits.TryEmplace(42);
//   if (visits.contains(42)) ... visits.at(42).depth ...
//
// Thread-safety: not thread-safe; one traversal's.
#ifndef LINEAGE_SERVER_GRAPH_VISIT_MAP_H_
#define LINEAGE_SERVER_GRAPH_VISIT_MAP_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lineage/v1/lineage.pb.h"

namespace lineage {

// How a node was reached: from `pred` over an edge of `kind` asserted at
// `log_index`. pred == kNoPred for start nodes.
struct Visit {
  static constexpr uint64_t kNoPred = ~uint64_t{0};
  uint32_t depth = 0;
  uint64_t pred = kNoPred;
  v1::EdgeKind kind = v1::EDGE_KIND_UNSPECIFIED;
  uint64_t log_index = 0;
  // How the edge is stored: pred -> this node if true, else this node ->
  // pred (upstream hops, and SAME_AS edges followed backwards).
  bool pred_is_from = false;
};

class VisitMap {
 public:
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
  // A hint that `id`'s visit will be read soon (its slot is fetched).
  void Prefetch(uint64_t id) const {
    const uint64_t page = id >> kPageBits;
    if (id < kDenseLimit && page < pages_.size() && pages_[page] != nullptr) {
      __builtin_prefetch(&pages_[page][id & ((uint64_t{1} << kPageBits) - 1)]);
    }
  }
  // Null if `id` was not reached.
  const Visit* find(uint64_t id) const;
  // The visit of `id`, which must have been reached: like
  // flat_hash_map::at in a build without exceptions, it aborts otherwise.
  const Visit& at(uint64_t id) const;

  // The visit of `id`, default-constructed and true if it is new. The
  // pointer is valid until the next TryEmplace.
  std::pair<Visit*, bool> TryEmplace(uint64_t id);

  // Marks reached node `id` expanded; false if it already was.
  bool MarkExpanded(uint64_t id) { return !std::exchange(entry(id).expanded, true); }
  // Notes that reached node `id` has an edge to follow (see
  // TraversalResult::HasNext).
  void SetHasNext(uint64_t id) { entry(id).has_next = true; }
  bool HasNext(uint64_t id) const;

  // The kind of expanded node `id`, as the traversal saw it (so answers
  // need not look it up again); UNSPECIFIED if it was not expanded.
  void SetNodeKind(uint64_t id, v1::NodeKind kind) {
    entry(id).node_kind = static_cast<uint8_t>(kind);
  }
  v1::NodeKind NodeKind(uint64_t id) const;

 private:
  static constexpr int kPageBits = 12;
  static constexpr int kFirstChunkBits = 6;
  static constexpr uint64_t kDenseLimit = uint64_t{1} << 32;
  struct Entry {
    Visit visit;
    bool expanded = false;
    bool has_next = false;
    uint8_t node_kind = 0;
  };

  // 1 + the index of `id`'s entry; 0 if not reached.
  uint32_t Slot(uint64_t id) const;
  // Entry `index` (0-based, below size_): with j = index + 64, chunk
  // floor(log2(j)) - 6 at offset j - 2^floor(log2(j)).
  static std::pair<int, uint64_t> ChunkOf(uint32_t index) {
    const uint64_t j = uint64_t{index} + (uint64_t{1} << kFirstChunkBits);
    const int log = 63 - __builtin_clzll(j);
    return {log - kFirstChunkBits, j - (uint64_t{1} << log)};
  }
  Entry& at_index(uint32_t index) {
    const auto [chunk, offset] = ChunkOf(index);
    return chunks_[chunk][offset];
  }
  const Entry& at_index(uint32_t index) const {
    const auto [chunk, offset] = ChunkOf(index);
    return chunks_[chunk][offset];
  }
  Entry& entry(uint64_t id) { return at_index(Slot(id) - 1); }

  std::vector<uint64_t> reached_;  // One bit per ID below kDenseLimit.
  std::vector<std::unique_ptr<uint32_t[]>> pages_;
  absl::flat_hash_map<uint64_t, uint32_t> far_;  // IDs >= kDenseLimit.
  std::vector<std::unique_ptr<Entry[]>> chunks_;  // Chunk c holds 2^(c + 6) entries.
  uint32_t size_ = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_VISIT_MAP_H_
