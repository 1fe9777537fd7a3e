#include "server/service/ledger_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"

namespace lineage {

LedgerServer::LedgerServer(Ledger& ledger) : ingest_(ledger), log_(ledger), keys_(ledger) {}

LedgerServer::~LedgerServer() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<LedgerServer>> LedgerServer::Start(
    Ledger& ledger, const ServerOptions& options, const LineageQueries* queries) {
  std::unique_ptr<LedgerServer> server(new LedgerServer(ledger));
  if (queries != nullptr) server->lineage_ = std::make_unique<LineageServiceImpl>(*queries, 0);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.RegisterService(&server->ingest_);
  builder.RegisterService(&server->log_);
  builder.RegisterService(&server->keys_);
  if (server->lineage_ != nullptr) builder.RegisterService(server->lineage_.get());
  Maintenance::Options maintenance;
  maintenance.backup_dir = options.backup_dir.empty()
                               ? absl::StrCat(ledger.database().path(), "-backups")
                               : options.backup_dir;
  maintenance.derived_index_checkers = options.derived_index_checkers;
  server->admin_ = std::make_unique<AdminServiceImpl>(ledger, std::move(maintenance));
  builder.RegisterService(server->admin_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
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
