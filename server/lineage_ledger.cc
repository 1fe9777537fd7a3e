#include "server/lineage_ledger.h"

#include "common/status_macros.h"

namespace lineage {

absl::StatusOr<std::unique_ptr<LineageLedger>> LineageLedger::Open(
    const LineageLedgerOptions& options, Ed25519PrivateKey log_key) {
  std::unique_ptr<LineageLedger> node(new LineageLedger());
  ASSIGN_OR_RETURN(node->db_, Database::Open({.path = options.ledger.data_dir,
                                              .block_cache_bytes = options.ledger.block_cache_bytes}));
  node->audit_ = std::make_unique<AuditLog>(
      *node->db_, options.ledger.clock != nullptr ? *options.ledger.clock : node->clock_);
  ASSIGN_OR_RETURN(node->graph_, LineageGraph::Open(*node->db_, options.graph));
  ASSIGN_OR_RETURN(node->ledger_, Ledger::Open(options.ledger, std::move(log_key), *node->db_,
                                               node->graph_->indexer()));
  node->graph_->AttachLedger(*node->ledger_);
  return node;
}

LineageLedger::~LineageLedger() {
  ledger_.reset();
  graph_.reset();
  audit_.reset();
  db_.reset();
}

}  // namespace lineage
