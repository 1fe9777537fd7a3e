// GraphView: the lineage graph as one query sees it: frozen at a tree size
// (the snapshot), whatever is appended meanwhile. Traversals are written
// once against this interface and run over either the in-memory GraphIndex
// (MemoryGraphView, the fast path) or RocksDB directly (StoredGraphView, for
// graphs larger than the memory budget). Both give identical answers.
//
// Thread-safety: one view per query, used by one thread.
#ifndef LINEAGE_SERVER_GRAPH_GRAPH_VIEW_H_
#define LINEAGE_SERVER_GRAPH_GRAPH_VIEW_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lineage/storage/graph_record.pb.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/graph_index.h"
#include "storage/graph_store.h"

namespace lineage {

struct NodeInfo {
  v1::NodeKind kind = v1::NODE_KIND_UNSPECIFIED;
  uint64_t first_log_index = 0;
  v1::Classification declared = v1::CLASSIFICATION_UNSPECIFIED;
};

class GraphView {
 public:
  explicit GraphView(uint64_t snapshot) : snapshot_(snapshot) {}
  virtual ~GraphView() = default;

  // The tree size this view answers at.
  uint64_t snapshot() const { return snapshot_; }

  // Whether `id` exists at the snapshot.
  virtual bool Exists(uint64_t id) = 0;

  // Kind, first index and declared classification at the snapshot.
  // NOT_FOUND if the node does not exist at the snapshot.
  virtual absl::StatusOr<NodeInfo> Info(uint64_t id) = 0;

  // Just the kind of Info(id) (what a traversal needs of every node it
  // expands; views may answer it more cheaply). NOT_FOUND as Info.
  virtual absl::StatusOr<v1::NodeKind> Kind(uint64_t id);

  // The highest declared classification upstream of `id` (itself and
  // SAME_AS equivalents included) at the snapshot. Separate from Info
  // because without the in-memory index it costs an upstream walk.
  virtual absl::StatusOr<v1::Classification> Effective(uint64_t id) = 0;

  // The node's namespace (for stop conditions).
  virtual absl::StatusOr<std::string> Namespace(uint64_t id) = 0;

  // The node's "owner" property at the snapshot; empty if none was set.
  // Valid until the next Owner call on this view or the view's end: the
  // in-memory index returns its interned copy, so a deletion impact names
  // thousands of owners without copying one.
  virtual absl::StatusOr<absl::string_view> Owner(uint64_t id) = 0;

  // Calls `visit` for each edge leaving (`outgoing`) or entering `id` that
  // was asserted before the snapshot.
  virtual absl::Status ForEachEdge(
      uint64_t id, bool outgoing,
      absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit) = 0;

  // Like ForEachEdge, but only the SAME_AS edges (what a traversal follows
  // against its direction). Views may answer without visiting every edge.
  virtual absl::Status ForEachSameAs(
      uint64_t id, bool outgoing,
      absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit);

  // Called by long traversals every few thousand nodes.
  virtual void Yield() {}

  // Hints that node `id`, or its outgoing or incoming edge list, will be
  // read soon. The caller prefetches the node a few steps before its edges.
  virtual void PrefetchNode(uint64_t id) {}
  virtual void PrefetchEdges(uint64_t id, bool outgoing) {}
  // Hints that Owner(id) will be asked soon (with the node itself).
  virtual void PrefetchOwner(uint64_t id) {}

 protected:
  // NOT_FOUND: `id` does not exist at the snapshot.
  absl::Status NoSuchNode(uint64_t id) const;

 private:
  const uint64_t snapshot_;
};

// Over the in-memory index. Holds the index's read lock while it lives
// (released briefly at each Yield). Final, with its per-node reads inline,
// so a traversal that knows it has one pays no virtual call per node or
// edge (see ForEachEdgeInline).
class MemoryGraphView final : public GraphView {
 public:
  MemoryGraphView(const GraphIndex& index, uint64_t snapshot)
      : GraphView(snapshot), lock_(index), compact_(lock_.compact()) {}

  // The index's compact adjacency if it serves this snapshot (built at or
  // before it), else null. Its dirty bits may be read between Yields.
  const CompactAdjacency* compact() const {
    return compact_ != nullptr && compact_->size() <= snapshot() ? compact_.get() : nullptr;
  }
  // The index's node `id` (at any size), or null.
  const GraphIndex::Node* index_node(uint64_t id) const { return lock_.node(id); }
  // Node IDs are below this.
  uint64_t node_count() const { return lock_.node_count(); }

  bool Exists(uint64_t id) override;
  absl::StatusOr<NodeInfo> Info(uint64_t id) override;
  // Reads the node's first cache line only.
  absl::StatusOr<v1::NodeKind> Kind(uint64_t id) override {
    const GraphIndex::Node* n = lock_.node(id);
    if (n == nullptr || n->first_log_index >= snapshot()) return NoSuchNode(id);
    return static_cast<v1::NodeKind>(n->kind);
  }
  absl::StatusOr<v1::Classification> Effective(uint64_t id) override;
  absl::StatusOr<std::string> Namespace(uint64_t id) override;
  // From the index: no RocksDB read, no copy.
  absl::StatusOr<absl::string_view> Owner(uint64_t id) override;
  absl::Status ForEachEdge(
      uint64_t id, bool outgoing,
      absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit)
      override;
  // ForEachEdge with `visit` called directly (inlined): the same edges in
  // the same order. Never fails.
  template <typename Visit>
  void ForEachEdgeInline(uint64_t id, bool outgoing, Visit&& visit) {
    const GraphIndex::Node* n = lock_.node(id);
    if (n == nullptr) return;
    const uint64_t snap = snapshot();
    for (const GraphIndex::Edge& e : outgoing ? n->out : n->in) {
      if (e.log_index < snap) visit(e.other, static_cast<v1::EdgeKind>(e.kind), e.log_index);
    }
  }
  // Reads no edge list for a node without SAME_AS edges; otherwise a binary
  // search (edges are ordered by kind).
  absl::Status ForEachSameAs(
      uint64_t id, bool outgoing,
      absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit)
      override;
  void Yield() override;
  void PrefetchNode(uint64_t id) override {
    // Only the address: reading the node here would wait for the very
    // cache miss this hides.
    if (const GraphIndex::Node* n = lock_.address(id)) __builtin_prefetch(n);
  }
  void PrefetchEdges(uint64_t id, bool outgoing) override {
    const GraphIndex::Node* n = lock_.node(id);  // Prefetched a few steps ago.
    if (n != nullptr) __builtin_prefetch(outgoing ? n->out.data() : n->in.data());
  }
  void PrefetchOwner(uint64_t id) override {
    if (const GraphIndex::Node* n = lock_.address(id)) __builtin_prefetch(n);
    if (const void* owner = lock_.owner_address(id)) __builtin_prefetch(owner);
  }

 private:
  GraphIndex::ReadLock lock_;
  // Held, so it outlives a rebuild that replaces it mid-query.
  const std::shared_ptr<const CompactAdjacency> compact_;
  int since_yield_ = 0;
};

// Straight over RocksDB: one prefix scan per hop. Effective classification
// comes from one iterative strongly-connected-components walk upstream
// (cycles are possible), memoized for the life of the view, so a query pays
// for each upstream node at most once.
class StoredGraphView : public GraphView {
 public:
  StoredGraphView(const GraphStore& store, uint64_t snapshot)
      : GraphView(snapshot), store_(store) {}

  bool Exists(uint64_t id) override;
  absl::StatusOr<NodeInfo> Info(uint64_t id) override;
  absl::StatusOr<v1::Classification> Effective(uint64_t id) override;
  absl::StatusOr<std::string> Namespace(uint64_t id) override;
  // Reads the node's record.
  absl::StatusOr<absl::string_view> Owner(uint64_t id) override;
  absl::Status ForEachEdge(
      uint64_t id, bool outgoing,
      absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit)
      override;

 private:
  struct Cached {
    NodeInfo info;
    std::string ns;
    bool effective_known = false;
    v1::Classification effective = v1::CLASSIFICATION_UNSPECIFIED;
  };
  absl::StatusOr<Cached*> Load(uint64_t id);
  // Node `id`'s stored record; NOT_FOUND if there is none.
  absl::StatusOr<storage::GraphNodeRecord> ReadRecord(uint64_t id);
  // Upstream neighbours of `id` for classification: in-edges of every kind,
  // and SAME_AS out-edges.
  absl::StatusOr<std::vector<uint64_t>> Upstream(uint64_t id);

  const GraphStore& store_;
  absl::flat_hash_map<uint64_t, std::unique_ptr<Cached>> cache_;
  std::string owner_;  // What Owner returned last.
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_GRAPH_VIEW_H_
