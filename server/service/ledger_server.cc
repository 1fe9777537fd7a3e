#include "server/service/ledger_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/service/tls_floor.h"

namespace lineage {

namespace {

bool IsLoopback(absl::string_view address) {
  const size_t colon = address.rfind(':');
  absl::string_view host = colon == absl::string_view::npos ? address : address.substr(0, colon);
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1" ||
         absl::StartsWith(host, "127.");
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const ServerOptions& options) {
  const int given = !options.tls_cert_file.empty() + !options.tls_key_file.empty() +
                    !options.tls_client_ca_file.empty();
  if (given == 0) {
    if (!IsLoopback(options.listen_address)) {
      if (!options.allow_insecure_plaintext) {
        return absl::FailedPreconditionError(absl::StrCat(
            "refusing to serve plaintext on ", options.listen_address,
            ", which is not a loopback address: give TLS files (--tls_cert_file, --tls_key_file, "
            "--tls_client_ca_file), or --allow_insecure_plaintext if you really mean it"));
      }
      LOG_WARNING("INSECURE: serving PLAINTEXT gRPC on non-loopback ", options.listen_address,
                  " because --allow_insecure_plaintext was given: callers are not authenticated");
    }
    return grpc::InsecureServerCredentials();
  }
  if (given != 3) {
    return absl::InvalidArgumentError(
        "TLS needs all three of the certificate, key and client CA files");
  }
  if (options.policies == nullptr) {
    return absl::FailedPreconditionError("a TLS server needs an access policy (--policy_file)");
  }
  for (const std::string* file :
       {&options.tls_cert_file, &options.tls_key_file, &options.tls_client_ca_file}) {
    absl::StatusOr<std::string> contents =
        file == &options.tls_key_file ? ReadSecretFile(*file) : ReadFile(*file);
    if (!contents.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("TLS: ", contents.status().message()));
    }
  }
  // gRPC 1.51 would also accept TLS 1.2: every context this process makes
  // gets OpenSSL's TLS 1.3-only configuration first.
  if (absl::Status floor = RequireTls13(); !floor.ok()) {
    return absl::FailedPreconditionError(absl::StrCat("TLS: ", floor.message()));
  }
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      options.tls_key_file, options.tls_cert_file, options.tls_client_ca_file,
      std::max(1, options.tls_reload_seconds));
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_root_certs();
  tls.watch_identity_key_cert_pairs();
  tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(tls);
}

}  // namespace

LedgerServer::~LedgerServer() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<LedgerServer>> LedgerServer::Start(
    Ledger& ledger, const ServerOptions& options, const LineageQueries* queries) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, Credentials(options));
  std::unique_ptr<LedgerServer> server(new LedgerServer());
  PolicyStore* policies = options.policies;
  if (policies == nullptr) {
    server->development_policy_ = std::make_unique<PolicyStore>(AccessPolicy::Development(), "");
    policies = server->development_policy_.get();
  }
  server->limiter_ = std::make_unique<RateLimiter>(server->clock_);
  server->access_ = std::make_unique<AccessControl>(*policies, *server->limiter_);
  server->edge_ = std::make_unique<ServiceEdge>(*server->access_, options.audit);
  ServiceEdge& edge = *server->edge_;
  server->ingest_ =
      std::make_unique<IngestServiceImpl>(ledger, edge, options.max_events_per_stream);
  server->log_ = std::make_unique<LogServiceImpl>(ledger, edge);
  server->keys_ = std::make_unique<KeyServiceImpl>(ledger, edge);
  if (queries != nullptr) {
    server->lineage_ = std::make_unique<LineageServiceImpl>(*queries, edge, 0);
    // Access records a crash left open (their answers' nodes not written
    // yet): recomputed before anything is served.
    const LineageServiceImpl& lineage = *server->lineage_;
    ASSIGN_OR_RETURN(const size_t recovered,
                     edge.RecoverOpen([&lineage](const v1::AccessRecord& open) {
                       return lineage.RecomputeAnswer(open);
                     }));
    (void)recovered;
  }
  if (options.audit != nullptr) {
    server->audit_ = std::make_unique<AuditServiceImpl>(*options.audit, edge);
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &server->port_);
  int local_port = 0;
  if (!options.local_listen_address.empty()) {
    if (!IsLoopback(options.local_listen_address)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the local port must be on a loopback address, got ", options.local_listen_address));
    }
    builder.AddListeningPort(options.local_listen_address, grpc::InsecureServerCredentials(),
                             &local_port);
  }
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.RegisterService(server->ingest_.get());
  builder.RegisterService(server->log_.get());
  builder.RegisterService(server->keys_.get());
  if (server->lineage_ != nullptr) builder.RegisterService(server->lineage_.get());
  if (server->audit_ != nullptr) builder.RegisterService(server->audit_.get());
  Maintenance::Options maintenance;
  maintenance.backup_dir = options.backup_dir.empty()
                               ? absl::StrCat(ledger.database().path(), "-backups")
                               : options.backup_dir;
  maintenance.derived_index_checkers = options.derived_index_checkers;
  server->admin_ = std::make_unique<AdminServiceImpl>(ledger, edge, std::move(maintenance), queries);
  builder.RegisterService(server->admin_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0 ||
      (!options.local_listen_address.empty() && local_port == 0)) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address, " (in use or not allowed?)"));
  }
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  const bool serving = ledger.write_refusal().ok();
  health->SetServingStatus("", true);
  health->SetServingStatus("lineage.v1.LogService", true);
  health->SetServingStatus("lineage.v1.KeyService", true);
  if (queries != nullptr) health->SetServingStatus("lineage.v1.LineageService", true);
  health->SetServingStatus("lineage.v1.AdminService", true);
  if (options.audit != nullptr) health->SetServingStatus("lineage.v1.AuditService", true);
  health->SetServingStatus("lineage.v1.IngestService", serving);
  return server;
}

void LedgerServer::Shutdown(absl::Duration grace) {
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(grace));
}

void LedgerServer::Wait() {
  if (server_ != nullptr) server_->Wait();
}

}  // namespace lineage
