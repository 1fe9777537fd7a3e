// LedgerServer: the gRPC server around a Ledger. Registers IngestService,
// LogService, KeyService, AdminService, gRPC server reflection (so grpcurl can list and
// describe everything) and grpc.health.v1.
//
//   ASSIGN_OR_RETURN(auto server, LedgerServer::Start(*ledger, {.listen_address = "127.0.0.1:0"}));
//   int port = server->port();
//   server->Shutdown(absl::Seconds(10));
//
// Thread-safety: Shutdown() and Wait() may be called from any thread. The
// ledger must outlive the server.
#ifndef LINEAGE_SERVER_SERVICE_LEDGER_SERVER_H_
#define LINEAGE_SERVER_SERVICE_LEDGER_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/ledger/ledger.h"
#include "server/service/admin_service.h"
#include "server/service/ingest_service.h"
#include "server/service/key_service.h"
#include "server/service/lineage_service.h"
#include "server/service/log_service.h"

namespace lineage {

struct ServerOptions {
  // host:port; port 0 picks a free port (tests).
  std::string listen_address = "127.0.0.1:50051";
  // Largest request message accepted; larger ones get RESOURCE_EXHAUSTED.
  int max_receive_message_bytes = 64 << 20;
  // Where AdminService.CreateBackup writes; empty means "<database path>-backups".
  std::string backup_dir;
  // Checkers of derived indexes above the ledger, for AdminService's
  // integrity check (the lineage graph's).
  std::vector<DerivedIndexCheckerFactory> derived_index_checkers;
};

class LedgerServer {
 public:
  // UNAVAILABLE if the address cannot be bound. `queries` (optional) adds
  // LineageService; it must outlive the server.
  static absl::StatusOr<std::unique_ptr<LedgerServer>> Start(
      Ledger& ledger, const ServerOptions& options, const LineageQueries* queries = nullptr);
  ~LedgerServer();

  int port() const { return port_; }

  // Stops accepting calls, lets calls in flight finish until `grace` has
  // passed, then cancels the rest.
  void Shutdown(absl::Duration grace);

  // Blocks until the server has shut down.
  void Wait();

 private:
  explicit LedgerServer(Ledger& ledger);

  IngestServiceImpl ingest_;
  LogServiceImpl log_;
  KeyServiceImpl keys_;
  std::unique_ptr<LineageServiceImpl> lineage_;
  std::unique_ptr<AdminServiceImpl> admin_;  // Outlives server_ (declared before it).
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_LEDGER_SERVER_H_
