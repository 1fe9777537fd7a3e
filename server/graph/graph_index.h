// GraphIndex: the lineage graph's topology held in memory in a compact form,
// for traversals 10x faster than a relational recursive query. RocksDB stays
// the truth: the index is built from it at start and kept in step by
// applying each committed group's GraphDelta before that group's checkpoint
// is published. Node properties stay in RocksDB, except the owner (below).
//
// Every edge and tier change carries the log index that made it, so any
// read can be answered "as of" a tree size by ignoring later ones.
//
// It also keeps each node's owner property with the log index of every
// change (deletion impact reports an owner for every node it returns), and
// maintains each node's effective classification (the highest
// declared tier anywhere upstream, itself included) incrementally, with the
// log index of every rise, so it too is exact as of any tree size.
//
// For fast traversals it also keeps a CompactAdjacency: a contiguous copy
// of the edges as of some recent tree size, with the nodes that gained
// edges since marked dirty. It is rebuilt on a background thread of its own
// once the edges added since exceed a quarter of it (and 65,536).
//
// Thread-safety: Apply() takes the lock exclusively; ReadLock holders may
// read concurrently. Long readers should Yield() now and then so Apply is
// not held up: everything they read is filtered by snapshot, so what
// changes in between does not alter their answer.
#ifndef LINEAGE_SERVER_GRAPH_GRAPH_INDEX_H_
#define LINEAGE_SERVER_GRAPH_GRAPH_INDEX_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/chunked_vector.h"
#include "server/graph/compact_adjacency.h"
#include "server/graph/graph_delta.h"
#include "server/ledger/worker_pool.h"
#include "storage/graph_store.h"

namespace lineage {

class GraphIndex {
 public:
  struct Edge {
    uint32_t other;
    uint8_t kind;
    uint64_t log_index;
  };
  struct TierStep {
    uint64_t log_index;
    uint8_t tier;
  };
  struct OwnerStep {
    uint64_t log_index;
    uint32_t owner;  // Interned.
  };
  using OwnerHistory = absl::InlinedVector<OwnerStep, 1>;
  // What a traversal reads of a node (existence, kind, SAME_AS flags and
  // both edge lists) is its first 64 bytes, one cache line: nodes are
  // aligned to it. Classification histories follow, read only by views
  // that return or filter on tiers.
  struct alignas(64) Node {
    uint64_t first_log_index = ~uint64_t{0};  // ~0: no such node.
    uint8_t kind = 0;
    // Whether `out` / `in` hold a SAME_AS edge (at any size), so traversals
    // need not read an edge list to find out (it fits in padding).
    bool same_as_out = false;
    bool same_as_in = false;
    uint32_t ns = 0;  // Interned namespace.
    // Ordered by (kind, other), as RocksDB scans a node's edges.
    std::vector<Edge> out;
    std::vector<Edge> in;
    absl::InlinedVector<TierStep, 1> declared;
    absl::InlinedVector<TierStep, 1> effective;
  };

  // Estimated bytes for a graph of this many nodes and edges (to decide
  // whether to hold it in memory).
  static size_t EstimateBytes(uint64_t nodes, uint64_t edges);

  struct Options {
    // Rebuild the compact adjacency in the background as the graph grows
    // (off: only RebuildCompact() does).
    bool refresh_compact = true;
    // Nice levels the rebuild thread runs below the caller's. 0: a rebuild
    // holds the shared lock the log writer's Apply waits for, so a lower
    // priority makes the writer wait behind signature checks (measured:
    // 44-80 ms stalls of the writer at nice 10).
    int refresh_nice = 0;
    // Nodes a rebuild reads per hold of the shared lock (about 1 ms).
    uint64_t rebuild_slice_nodes = 4096;
    // Tests: called between a rebuild's slices, without the lock.
    std::function<void()> between_rebuild_slices;
  };

  // Builds the index, and its compact adjacency, from the committed graph
  // in `store`.
  static absl::StatusOr<std::unique_ptr<GraphIndex>> Load(const GraphStore& store,
                                                          const Options& options);
  static absl::StatusOr<std::unique_ptr<GraphIndex>> Load(const GraphStore& store) {
    return Load(store, Options());
  }
  ~GraphIndex();

  // Applies a committed group's changes (in log order).
  void Apply(const GraphDelta& delta);

  // Shared access for readers.
  class ReadLock {
   public:
    explicit ReadLock(const GraphIndex& index) ABSL_NO_THREAD_SAFETY_ANALYSIS : index_(index) {
      index_.mu_.ReaderLock();
    }
    ~ReadLock() ABSL_NO_THREAD_SAFETY_ANALYSIS { index_.mu_.ReaderUnlock(); }
    ReadLock(const ReadLock&) = delete;
    ReadLock& operator=(const ReadLock&) = delete;

    // Lets a waiting Apply run.
    void Yield() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      index_.mu_.ReaderUnlock();
      index_.LetApplyIn();
      index_.mu_.ReaderLock();
    }
    // The current compact adjacency (null if the graph does not fit its
    // encoding). The pointer stays valid after the lock is released; its
    // dirty bits may be read only while the lock is held.
    const std::shared_ptr<const CompactAdjacency>& compact() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return index_.compact_const_;
    }
    // Null if `id` is not a node (at any size).
    const Node* node(uint64_t id) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return id < index_.nodes_.size() && index_.nodes_[id].first_log_index != ~uint64_t{0}
                 ? &index_.nodes_[id]
                 : nullptr;
    }
    // Where node `id` would be, without reading it (for prefetching); null
    // past the last ID.
    const Node* address(uint64_t id) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return id < index_.nodes_.size() ? &index_.nodes_[id] : nullptr;
    }
    // Where node `id`'s owner history would be (for prefetching); null if
    // no node at or past `id` has an owner.
    const void* owner_address(uint64_t id) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return id < index_.owners_.size() ? &index_.owners_[id] : nullptr;
    }
    const std::string& namespace_name(uint32_t ns) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return index_.namespaces_[ns];
    }
    uint64_t node_count() const ABSL_NO_THREAD_SAFETY_ANALYSIS { return index_.nodes_.size(); }
    // Node `id`'s owner as of tree size `snapshot`; empty if none was set
    // before it (or `id` is not a node).
    const std::string& owner_at(uint64_t id,
                                uint64_t snapshot) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      static const std::string* const kNone = new std::string();
      if (id >= index_.owners_.size()) return *kNone;
      const std::string* owner = kNone;
      for (const OwnerStep& step : index_.owners_[id]) {
        if (step.log_index >= snapshot) break;
        owner = &index_.owner_names_[step.owner];
      }
      return *owner;
    }

   private:
    const GraphIndex& index_;
  };

  // The tier in effect as of `snapshot` in a history.
  static uint8_t TierAt(const absl::InlinedVector<TierStep, 1>& history, uint64_t snapshot);

  uint64_t edge_count() const;

  // Replaces the compact adjacency with one built at the tree size applied
  // so far. Holds the shared lock a slice of nodes at a time, so Apply is
  // never held up for long; what Apply adds meanwhile is marked dirty in the
  // new one before it is installed.
  void RebuildCompact();
  // The compact adjacency's tree size, node count and dirty nodes (for
  // status and tests); zeros when there is none.
  struct CompactStats {
    uint64_t size = 0;
    uint64_t nodes = 0;
    uint64_t edges = 0;
    uint64_t dirty = 0;
    uint64_t bytes = 0;
    uint64_t rebuilds = 0;
  };
  // The index's nodes and edges with its compact adjacency's figures, read
  // under one hold of the lock (for AdminService.GetStatus).
  struct Stats {
    uint64_t nodes = 0;  // Node IDs start at 1: the highest ID.
    uint64_t edges = 0;
    CompactStats compact;
  };
  Stats stats() const;

 private:
  GraphIndex() = default;
  uint32_t InternNamespace(const std::string& ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddOwner(uint64_t id, const std::string& owner, uint64_t log_index)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Node& Ensure(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Notes that log index `log_index` was applied.
  void Applied(uint64_t log_index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (log_index + 1 > applied_size_) applied_size_ = log_index + 1;
  }
  // Builds a compact adjacency of nodes [0, nodes) as of tree size `size`,
  // taking the shared lock per slice when `yield_lock` (else the caller
  // holds the lock). Null if the graph does not fit the encoding.
  std::unique_ptr<CompactAdjacency> BuildCompact(uint64_t size, uint64_t nodes,
                                                 bool yield_lock) ABSL_NO_THREAD_SAFETY_ANALYSIS;
  // Called by a reader between releasing the shared lock and taking it
  // again: waits until an Apply that was waiting for the lock has it. (The
  // mutex alone lets a reader that relocks at once go first, again and
  // again: a rebuild held the writer up for its whole 85 ms.)
  // Bounded: if the Apply is held up by another reader instead, this one
  // stops waiting after a few thousand yields.
  void LetApplyIn() const {
    for (int i = 0; i < 4096 && apply_waiting_.load(std::memory_order_acquire) > 0; ++i) {
      std::this_thread::yield();
    }
  }
  void InstallCompact(std::unique_ptr<CompactAdjacency> compact) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Schedules a rebuild if the compact adjacency is stale and none runs.
  void MaybeRefreshCompact() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddEdge(uint64_t from, uint8_t kind, uint64_t to, uint64_t log_index)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Raises `id`'s effective tier to at least `tier` at `log_index` and
  // propagates downstream over edges asserted at or before `log_index`.
  void Raise(uint64_t id, uint8_t tier, uint64_t log_index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EdgeRaises(uint64_t from, uint8_t kind, uint64_t to, uint64_t log_index)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  // Apply calls waiting for mu_ (see LetApplyIn).
  std::atomic<int> apply_waiting_{0};
  // Chunked, not a std::vector: growing must not move every node (a stall
  // of 100+ ms at a million nodes, with the log writer waiting).
  ChunkedVector<Node> nodes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> namespaces_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> namespace_ids_ ABSL_GUARDED_BY(mu_);
  // Owner histories by node ID, beside nodes_ so traversals' cache lines
  // stay as they are; only nodes that ever had an owner have entries.
  ChunkedVector<OwnerHistory> owners_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> owner_names_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> owner_ids_ ABSL_GUARDED_BY(mu_);
  uint64_t edges_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t applied_size_ ABSL_GUARDED_BY(mu_) = 0;  // 1 + the last log index applied.

  // The compact adjacency (null if none fits), twice: writable for its
  // dirty bits, and as readers share it.
  std::shared_ptr<CompactAdjacency> compact_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const CompactAdjacency> compact_const_ ABSL_GUARDED_BY(mu_);
  uint64_t compact_edges_ ABSL_GUARDED_BY(mu_) = 0;  // edges_ when it was built.
  uint64_t compact_rebuilds_ ABSL_GUARDED_BY(mu_) = 0;
  // While a rebuild runs: the endpoints of edges applied since it started.
  bool compact_building_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<uint64_t> compact_pending_ ABSL_GUARDED_BY(mu_);
  // Serialises rebuilds (a background one and a caller's).
  absl::Mutex rebuild_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  Options options_;
  // Last: destroyed (its queued rebuild run and joined) before the rest.
  std::unique_ptr<WorkerPool> refresher_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_GRAPH_INDEX_H_
