// LineageGraph: the lineage graph as one component: the indexer the log
// writer feeds (RocksDB, same batches as the log), the in-memory index it
// keeps in step (when the graph fits the memory budget), and the queries.
//
//   ASSIGN_OR_RETURN(auto graph, LineageGraph::Open(db, {.memory_budget_bytes = 4 << 30}));
//   ASSIGN_OR_RETURN(auto ledger, Ledger::Open(options, key, db, graph->indexer()));
//   graph->AttachLedger(*ledger);
//   graph->queries().Trace(request, nullptr);
//
// Thread-safety: queries() is safe for concurrent use after AttachLedger.
// The database must outlive the graph; the ledger must be destroyed before
// the graph (it drives the indexer).
#ifndef LINEAGE_SERVER_GRAPH_LINEAGE_GRAPH_H_
#define LINEAGE_SERVER_GRAPH_LINEAGE_GRAPH_H_

#include <memory>

#include "absl/status/statusor.h"
#include "server/graph/graph_index.h"
#include "server/graph/graph_indexer.h"
#include "server/graph/lineage_queries.h"
#include "storage/database.h"
#include "storage/graph_store.h"

namespace lineage {

struct GraphOptions {
  // The topology is held in memory when its estimate fits this budget
  // (checked at start); otherwise queries read RocksDB directly.
  size_t memory_budget_bytes = size_t{4} << 30;
};

class LineageGraph {
 public:
  static absl::StatusOr<std::unique_ptr<LineageGraph>> Open(Database& db,
                                                            const GraphOptions& options);

  // For Ledger::Open.
  EntryIndexer* indexer() { return indexer_.get(); }

  // Enables queries (they need the ledger's checkpoints).
  void AttachLedger(const Ledger& ledger);

  // Requires AttachLedger.
  const LineageQueries& queries() const { return *queries_; }

  // Null when the graph is served from RocksDB only.
  const GraphIndex* index() const { return index_.get(); }
  const GraphStore& store() const { return *store_; }

 private:
  LineageGraph() = default;

  std::unique_ptr<GraphStore> store_;
  std::unique_ptr<GraphIndex> index_;
  std::unique_ptr<GraphIndexer> indexer_;
  std::unique_ptr<LineageQueries> queries_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_LINEAGE_GRAPH_H_
