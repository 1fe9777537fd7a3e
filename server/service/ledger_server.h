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
#include "common/clock.h"
#include "server/auth/policy_store.h"
#include "server/auth/rate_limiter.h"
#include "server/service/access_control.h"
#include "server/service/admin_service.h"
#include "server/service/audit_service.h"
#include "server/service/service_edge.h"
#include "server/service/ingest_service.h"
#include "server/service/key_service.h"
#include "server/service/lineage_service.h"
#include "server/service/log_service.h"

namespace lineage {

struct ServerOptions {
  // host:port; port 0 picks a free port (tests).
  std::string listen_address = "127.0.0.1:50051";
  // Mutual TLS: the server's certificate chain and private key, and the CA
  // bundle client certificates must chain to (PEM files, re-read every
  // tls_reload_seconds so rotated files take effect without a restart).
  // All three or none. Without them the server speaks plaintext, which it
  // only does on a loopback address unless allow_insecure_plaintext.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  int tls_reload_seconds = 5;
  bool allow_insecure_plaintext = false;
  // The access policy in force (must outlive the server). Null: the
  // development policy ("local" may do everything), allowed without TLS only.
  PolicyStore* policies = nullptr;
  // The access log (must outlive the server). Null: calls are not recorded
  // and AuditService is not offered.
  AuditLog* audit = nullptr;
  // Most events one StreamEvents call may carry.
  uint64_t max_events_per_stream = 10000000;
  // Largest request message accepted; larger ones get RESOURCE_EXHAUSTED.
  int max_receive_message_bytes = 64 << 20;
  // A second, plaintext port on a loopback address (e.g. 127.0.0.1:50052)
  // for the machine's own health probes and operator tools when the main
  // port speaks mutual TLS; its callers are "local" in the access policy.
  // Empty: none. FAILED_PRECONDITION if not a loopback address.
  std::string local_listen_address;
  // Where AdminService.CreateBackup writes; empty means "<database path>-backups".
  std::string backup_dir;
  // Checkers of derived indexes above the ledger, for AdminService's
  // integrity check (the lineage graph's).
  std::vector<DerivedIndexCheckerFactory> derived_index_checkers;
};

class LedgerServer {
 public:
  // UNAVAILABLE if the address cannot be bound; FAILED_PRECONDITION for a
  // plaintext non-loopback address without allow_insecure_plaintext, or TLS
  // without a policy; INVALID_ARGUMENT for unreadable TLS files. `queries` (optional) adds
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
  LedgerServer() = default;

  SystemClock clock_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<PolicyStore> development_policy_;
  std::unique_ptr<AccessControl> access_;
  std::unique_ptr<ServiceEdge> edge_;
  std::unique_ptr<AuditServiceImpl> audit_;
  std::unique_ptr<IngestServiceImpl> ingest_;
  std::unique_ptr<LogServiceImpl> log_;
  std::unique_ptr<KeyServiceImpl> keys_;
  std::unique_ptr<LineageServiceImpl> lineage_;
  std::unique_ptr<AdminServiceImpl> admin_;  // Outlives server_ (declared before it).
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_LEDGER_SERVER_H_
