// CompactAdjacency: the lineage graph's edges as of one tree size, laid out
// contiguously for traversals. Per direction, one 8-byte row per node (where
// its edges begin, its kind, flags) and one array of 4-byte edges (other
// node << 4 | edge kind) in compressed-sparse-row form. A traversal over it
// reads one row and a short run of edges per node from a few dense arrays
// (about 50 MB for 1M nodes and 5M edges) instead of a 64-byte GraphIndex
// node and a heap-allocated edge vector each (about 450 MB): far fewer
// cache and TLB misses, and the misses it has can be prefetched.
//
// It is a snapshot: it holds exactly the edges asserted before size() and
// the nodes that existed then. GraphIndex keeps the current one, marks dirty
// every node that gains an edge after it was built, and replaces it with a
// fresh one in the background as the graph grows. A traversal at a tree
// size >= size() reads clean nodes here and dirty ones (or nodes past
// node_count()) from the index; an older snapshot (an as-of query) does not
// use it at all.
//
// Thread-safety: immutable once built, except the dirty bits, which
// GraphIndex writes under its exclusive lock and readers read under its
// shared lock.
#ifndef LINEAGE_SERVER_GRAPH_COMPACT_ADJACENCY_H_
#define LINEAGE_SERVER_GRAPH_COMPACT_ADJACENCY_H_

#include <cstdint>
#include <memory>
#include <vector>

namespace lineage {

class CompactAdjacency {
 public:
  // Node and edge encodings.
  static constexpr int kKindBits = 4;  // Edge kinds are below 16.
  static constexpr uint64_t kMaxNodes = uint64_t{1} << (32 - kKindBits);
  static constexpr uint8_t kFlagSameAs = 1;  // Has a SAME_AS edge, either way.
  static constexpr uint8_t kFlagAbsent = 2;  // Not a node at size().
  struct Row {
    uint32_t begin;  // First edge; the next row's begin ends them.
    uint8_t kind;    // v1::NodeKind.
    uint8_t flags;
    uint16_t unused;
  };
  static uint32_t EdgeOther(uint32_t e) { return e >> kKindBits; }
  static uint8_t EdgeKind(uint32_t e) { return e & ((1u << kKindBits) - 1); }

  // Fills one in node-ID order: AddNode for every ID from 0 to
  // node_count - 1, each followed by its edges (out, then in, in the order
  // traversals must visit them). Whether the graph fits the encoding
  // (fewer than kMaxNodes nodes and 2^32 edges a direction) is the caller's
  // to check with Fits().
  class Builder {
   public:
    Builder(uint64_t size, uint64_t node_count, uint64_t out_edges_hint, uint64_t in_edges_hint);
    // Starts node `id` (the next ID). `absent`: it was not a node at size.
    void AddNode(uint8_t kind, bool same_as, bool absent);
    void AddOut(uint32_t other, uint8_t kind) {
      adjacency_->out_edges_.push_back(other << kKindBits | kind);
    }
    void AddIn(uint32_t other, uint8_t kind) {
      adjacency_->in_edges_.push_back(other << kKindBits | kind);
    }
    // Marks the node just added dirty (it has edges at or after size).
    void MarkLastDirty();
    std::unique_ptr<CompactAdjacency> Finish();

   private:
    std::unique_ptr<CompactAdjacency> adjacency_;
  };

  static bool Fits(uint64_t nodes, uint64_t out_edges, uint64_t in_edges) {
    return nodes < kMaxNodes && out_edges < (uint64_t{1} << 32) && in_edges < (uint64_t{1} << 32);
  }

  // The tree size it was built at: edges with log index below it.
  uint64_t size() const { return size_; }
  uint64_t node_count() const { return node_count_; }
  uint64_t edge_count() const { return out_edges_.size(); }
  size_t bytes() const;

  // Rows and edges of one direction (outgoing: data flows from the node).
  const Row* rows(bool outgoing) const { return outgoing ? out_rows_.data() : in_rows_.data(); }
  const uint32_t* edges(bool outgoing) const {
    return outgoing ? out_edges_.data() : in_edges_.data();
  }

  // Whether node `id` is read here: below node_count(), a node at size(),
  // and without edges added since. Requires the index's shared lock.
  bool Clean(uint64_t id) const {
    return id < node_count_ && (dirty_[id / 64] >> (id % 64) & 1) == 0 &&
           (out_rows_[id].flags & kFlagAbsent) == 0;
  }
  // Requires the index's exclusive lock.
  void MarkDirty(uint64_t id) {
    if (id < node_count_) dirty_[id / 64] |= uint64_t{1} << (id % 64);
  }
  uint64_t dirty_count() const;

 private:
  CompactAdjacency() = default;

  uint64_t size_ = 0;
  uint64_t node_count_ = 0;
  // node_count_ + 1 rows each: the last only ends the edges.
  std::vector<Row> out_rows_, in_rows_;
  std::vector<uint32_t> out_edges_, in_edges_;
  std::vector<uint64_t> dirty_;  // One bit per node.
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_COMPACT_ADJACENCY_H_
