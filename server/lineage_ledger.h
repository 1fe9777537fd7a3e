// LineageLedger: the whole server-side state behind one data directory: the
// RocksDB database, the signed-event ledger (log, keys), the lineage graph
// derived from it in the same write batches, and the access log.
//
//   ASSIGN_OR_RETURN(auto node, LineageLedger::Open(options, std::move(log_key)));
//   LedgerServer::Start(node->ledger(), server_options, &node->graph().queries());
//
// Thread-safety: see Ledger and LineageGraph. Destruction stops the ledger
// (draining appends) before the graph and the database go.
#ifndef LINEAGE_SERVER_LINEAGE_LEDGER_H_
#define LINEAGE_SERVER_LINEAGE_LEDGER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "crypto/ed25519.h"
#include "server/audit/audit_log.h"
#include "server/graph/lineage_graph.h"
#include "server/ledger/ledger.h"
#include "storage/database.h"

namespace lineage {

struct LineageLedgerOptions {
  LedgerOptions ledger;
  GraphOptions graph;
};

class LineageLedger {
 public:
  // Opens (or creates) the data directory options.ledger.data_dir.
  static absl::StatusOr<std::unique_ptr<LineageLedger>> Open(const LineageLedgerOptions& options,
                                                             Ed25519PrivateKey log_key);
  ~LineageLedger();

  Ledger& ledger() { return *ledger_; }
  LineageGraph& graph() { return *graph_; }
  AuditLog& audit() { return *audit_; }
  Database& database() { return *db_; }

 private:
  LineageLedger() = default;

  SystemClock clock_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<LineageGraph> graph_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LINEAGE_LEDGER_H_
