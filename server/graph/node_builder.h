// Turning graph node IDs into API nodes (v1::Node) at a snapshot, and API
// selectors (v1::NodeSelector) into node IDs.
//
// Thread-safety: one builder per query thread; the store must outlive it.
#ifndef LINEAGE_SERVER_GRAPH_NODE_BUILDER_H_
#define LINEAGE_SERVER_GRAPH_NODE_BUILDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lineage/storage/graph_record.pb.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/graph_view.h"
#include "storage/graph_store.h"

namespace lineage {

// The record of node `id` from committed storage. DATA_LOSS if unparseable.
absl::StatusOr<storage::GraphNodeRecord> ReadNodeRecord(const GraphStore& store, uint64_t id);

// Builds `id` at the view's snapshot with the given level of detail.
absl::StatusOr<v1::Node> BuildNode(const GraphStore& store, GraphView& view, uint64_t id,
                                   uint32_t depth, v1::NodeView level);

// The node IDs a selector names at the view's snapshot (several for a
// version named by (namespace, name, version) that is known both by name and
// by digest). INVALID_ARGUMENT for an incomplete selector, NOT_FOUND naming
// what was asked for when nothing matches.
absl::StatusOr<std::vector<uint64_t>> ResolveSelector(const GraphStore& store, GraphView& view,
                                                      const v1::NodeSelector& selector,
                                                      absl::string_view field);

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_NODE_BUILDER_H_
