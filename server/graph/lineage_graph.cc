#include "server/graph/lineage_graph.h"

#include "common/log.h"
#include "common/status_macros.h"

namespace lineage {

absl::StatusOr<std::unique_ptr<LineageGraph>> LineageGraph::Open(Database& db,
                                                                 const GraphOptions& options) {
  std::unique_ptr<LineageGraph> graph(new LineageGraph());
  graph->store_ = std::make_unique<GraphStore>(db);
  ASSIGN_OR_RETURN(uint64_t nodes, graph->store_->ReadNextNodeId(db));
  ASSIGN_OR_RETURN(uint64_t edges, graph->store_->ReadEdgeCount(db));
  const size_t estimate = GraphIndex::EstimateBytes(nodes, edges);
  if (estimate <= options.memory_budget_bytes) {
    ASSIGN_OR_RETURN(graph->index_, GraphIndex::Load(*graph->store_));
    LOG_INFO("lineage graph: ", nodes - 1, " nodes, ", edges, " edges held in memory (~",
             estimate >> 20, " MiB)");
  } else {
    LOG_WARNING("lineage graph: ~", estimate >> 20, " MiB exceeds the memory budget of ",
                options.memory_budget_bytes >> 20,
                " MiB; queries read RocksDB directly (slower)");
  }
  GraphIndex* index = graph->index_.get();
  graph->indexer_ = std::make_unique<GraphIndexer>(*graph->store_, [index](const GraphDelta& d) {
    if (index != nullptr) index->Apply(d);
  });
  return graph;
}

void LineageGraph::AttachLedger(const Ledger& ledger) {
  queries_ = std::make_unique<LineageQueries>(ledger, *store_, index_.get());
}

}  // namespace lineage
