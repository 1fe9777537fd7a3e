// Breadth-first traversals of the lineage graph over a GraphView: the one
// implementation behind Traverse, Trace and DeletionImpact.
//
// Iterative (an explicit queue, never recursion), so a chain 100,000 deep or
// a cycle (signed events can create one) costs memory proportional to the
// nodes visited and always terminates: each node is expanded once. SAME_AS
// edges (one version known by name and by digest) are followed both ways at
// no depth cost (0-1 BFS), so nodes come out in nondecreasing depth.
//
// Thread-safety: pure apart from the view, which the caller owns.
#ifndef LINEAGE_SERVER_GRAPH_TRAVERSAL_H_
#define LINEAGE_SERVER_GRAPH_TRAVERSAL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/graph_view.h"

namespace lineage {

// A set of small enum values as a bitmask; empty means "all".
class KindSet {
 public:
  void Add(int kind) { bits_ |= uint32_t{1} << kind; }
  bool Contains(int kind) const { return bits_ == 0 || (bits_ & (uint32_t{1} << kind)) != 0; }
  bool empty() const { return bits_ == 0; }

 private:
  uint32_t bits_ = 0;
};

struct StopCondition {
  v1::NodeKind kind = v1::NODE_KIND_UNSPECIFIED;
  std::string namespace_prefix;
};

struct TraversalSpec {
  std::vector<uint64_t> start;
  bool upstream = false;
  uint32_t max_depth = 0;  // 0: unbounded.
  KindSet edge_kinds;      // Followed (SAME_AS always is).
  KindSet node_kinds;      // Returned.
  std::vector<StopCondition> stop_at;
  uint64_t limit = 100000;  // Returned nodes.
  v1::Classification min_effective = v1::CLASSIFICATION_UNSPECIFIED;
  bool include_start = false;
  bool record_edges = false;
  uint64_t max_visited = 10000000;
  // Polled every few thousand nodes; a non-OK status stops the traversal
  // and is returned (deadline passed, caller cancelled).
  std::function<absl::Status()> check_cancelled;
};

struct VisitedEdge {
  uint64_t from, to;  // In data-flow orientation (as stored).
  v1::EdgeKind kind;
  uint64_t log_index;
};

// One node a traversal reached, and how: from the node at index `pred` of
// the same result over an edge of `edge_kind`.
struct Reached {
  static constexpr uint32_t kNoPred = ~uint32_t{0};
  // The compact path does not read edges' log indexes (ReachingLogIndex
  // looks one up).
  static constexpr uint64_t kUnknownLogIndex = ~uint64_t{0};
  uint64_t id = 0;
  uint64_t log_index = 0;  // Of the edge it was reached over.
  uint32_t depth = 0;
  uint32_t pred = kNoPred;  // kNoPred: a start node.
  uint8_t edge_kind = 0;    // v1::EdgeKind.
  uint8_t node_kind = 0;    // v1::NodeKind, once expanded; else 0.
  // How the edge is stored: pred -> this node if true, else this node ->
  // pred (upstream hops, and SAME_AS edges followed backwards).
  bool pred_is_from = false;
  bool expanded = false;
  // Whether the node, expanded, has an edge (of a followed kind, SAME_AS
  // aside) in the traversal direction: for Trace, the nodes that are not
  // sources.
  bool has_next = false;
};

struct TraversalResult {
  static constexpr uint32_t kNotReached = ~uint32_t{0};
  // Every node reached: the start nodes, then the others as first reached.
  std::vector<Reached> reached;
  // Indexes into `reached` of the nodes returned, in nondecreasing depth.
  std::vector<uint32_t> returned;
  std::vector<VisitedEdge> edges;  // With record_edges.
  bool truncated = false;
  v1::TruncationReason reason = v1::TRUNCATION_REASON_UNSPECIFIED;

  // The index of node `id` in `reached`, or kNotReached. The first call
  // builds a map of every reached ID (answers mostly walk indexes instead).
  uint32_t IndexOf(uint64_t id) const;
  bool HasNext(uint64_t id) const {
    const uint32_t i = IndexOf(id);
    return i != kNotReached && reached[i].has_next;
  }

 private:
  mutable std::shared_ptr<const absl::flat_hash_map<uint64_t, uint32_t>> by_id_;
};

// Runs the traversal. INVALID_ARGUMENT for no start nodes; the
// check_cancelled status if it fires; view errors as they come. Over the
// in-memory index at a tree size its compact adjacency covers, and without
// stop conditions, classification filter, recorded edges or SAME_AS edges
// on the way, it reads the compact adjacency (same answer, faster).
absl::StatusOr<TraversalResult> Traverse(GraphView& view, const TraversalSpec& spec);

// Indexes into result.reached of the path from node `index` back to the
// start node it was reached from (`index` first).
std::vector<uint32_t> PathToStart(const TraversalResult& result, uint32_t index);

// The log index of the edge node `index` was reached over (read from the
// view when the traversal did not record it). NOT_FOUND for a start node.
absl::StatusOr<uint64_t> ReachingLogIndex(GraphView& view, const TraversalResult& result,
                                          uint32_t index);

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_TRAVERSAL_H_
