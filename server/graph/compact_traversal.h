// The fast path of Traverse: breadth-first over the in-memory index's
// CompactAdjacency (server/graph/compact_adjacency.h), reading the few
// nodes that changed since it was built from the index itself. It gives
// exactly the answer of the general traversal (same nodes, order, depths
// and predecessors), for the specs and graphs it takes: no stop conditions,
// no classification filter, no recorded edges, and no SAME_AS edge on the
// nodes it expands (SAME_AS costs no depth, which a plain BFS cannot give).
// Edges' log indexes are not read (Reached::kUnknownLogIndex for nodes
// reached from clean nodes).
//
// Thread-safety: as the view's.
#ifndef LINEAGE_SERVER_GRAPH_COMPACT_TRAVERSAL_H_
#define LINEAGE_SERVER_GRAPH_COMPACT_TRAVERSAL_H_

#include <optional>

#include "absl/status/statusor.h"
#include "server/graph/graph_view.h"
#include "server/graph/traversal.h"

namespace lineage {

// The traversal, or nullopt when it does not apply (the caller then runs
// the general one). Errors: check_cancelled's status; NOT_FOUND for a start
// node that does not exist at the snapshot.
absl::StatusOr<std::optional<TraversalResult>> TraverseCompact(MemoryGraphView& view,
                                                               const TraversalSpec& spec);

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_COMPACT_TRAVERSAL_H_
