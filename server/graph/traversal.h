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
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/graph_view.h"
#include "server/graph/visit_map.h"

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

struct TraversalResult {
  std::vector<uint64_t> returned;  // In nondecreasing depth.
  VisitMap visits;                 // Every node reached.
  std::vector<VisitedEdge> edges;  // With record_edges.
  bool truncated = false;
  v1::TruncationReason reason = v1::TRUNCATION_REASON_UNSPECIFIED;

  // Whether expanded node `id` has an edge (of a followed kind, SAME_AS
  // aside) in the traversal direction: for Trace, the nodes that are not
  // sources.
  bool HasNext(uint64_t id) const { return visits.HasNext(id); }
};

// Runs the traversal. INVALID_ARGUMENT for no start nodes; the
// check_cancelled status if it fires; view errors as they come.
absl::StatusOr<TraversalResult> Traverse(GraphView& view, const TraversalSpec& spec);

// The path of node IDs from `id` back to the start node it was reached
// from (`id` first).
std::vector<uint64_t> PathToStart(const TraversalResult& result, uint64_t id);

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_TRAVERSAL_H_
