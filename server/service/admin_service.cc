#include "server/service/admin_service.h"

#include <thread>

#include "server/ledger/proto_time.h"
#include "server/service/unary.h"

namespace lineage {
namespace {

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  out.set_seconds(absl::ToInt64Seconds(d));
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d - absl::Seconds(out.seconds()))));
  return out;
}

v1::Backup ToProto(const BackupInfo& info) {
  v1::Backup out;
  out.set_name(info.name);
  out.set_path(info.path);
  out.set_tree_size(info.tree_size);
  out.set_root_hash(std::string(HashBytes(info.root)));
  out.set_checkpoint(info.checkpoint_note);
  *out.mutable_created_at() = ToProtoTime(info.created);
  *out.mutable_took() = ToProtoDuration(info.took);
  return out;
}

v1::IntegrityCheck ToProto(const IntegrityCheckState& state) {
  using Phase = IntegrityCheckState::Phase;
  v1::IntegrityCheck out;
  switch (state.phase) {
    case Phase::kNeverRun: out.set_phase(v1::INTEGRITY_CHECK_PHASE_NEVER_RUN); break;
    case Phase::kRunning: out.set_phase(v1::INTEGRITY_CHECK_PHASE_RUNNING); break;
    case Phase::kDone: out.set_phase(v1::INTEGRITY_CHECK_PHASE_DONE); break;
    case Phase::kFailed: out.set_phase(v1::INTEGRITY_CHECK_PHASE_FAILED); break;
  }
  if (state.phase == Phase::kNeverRun) return out;
  *out.mutable_started_at() = ToProtoTime(state.started);
  if (state.phase != Phase::kRunning) *out.mutable_finished_at() = ToProtoTime(state.finished);
  out.set_entries_done(state.entries_done);
  out.set_tree_size(state.tree_size);
  out.set_signatures_verified(state.report.signatures_verified);
  out.set_nodes_checked(state.report.nodes_checked);
  out.set_checkpoints_matched(state.report.checkpoints_matched);
  out.set_finding_count(state.report.finding_count);
  for (const IntegrityFinding& f : state.report.findings) {
    v1::IntegrityFinding* p = out.add_findings();
    p->set_column(f.column);
    p->set_key(f.key);
    p->set_has_log_index(f.index.has_value());
    p->set_log_index(f.index.value_or(0));
    p->set_problem(f.problem);
    p->set_expected(f.expected);
    p->set_got(f.got);
  }
  if (!state.error.ok()) out.set_error(std::string(state.error.message()));
  return out;
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(Ledger& ledger, ServiceEdge& edge,
                                   Maintenance::Options options, const LineageQueries* queries)
    : ledger_(ledger),
      edge_(edge),
      backup_dir_(options.backup_dir),
      verifier_(*NoteVerifier::Parse(ledger.VerifierKey())),
      maintenance_(std::make_unique<Maintenance>(ledger.database(), verifier_, std::move(options))),
      queries_(queries) {}

AdminServiceImpl::~AdminServiceImpl() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(+[](int* n) { return *n == 0; }, &backups_running_));
}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateBackup(grpc::CallbackServerContext* context,
                                                         const v1::CreateBackupRequest* request,
                                                         v1::Backup* response) {
  return edge_.UnaryAsync<v1::CreateBackupRequest, v1::Backup>(
      context, "lineage.v1.AdminService/CreateBackup", *request, response, {v1::ROLE_OPERATOR},
      [this, request](const Caller&, auto done) {
        // A backup flushes memtables and links files: seconds at most, but
        // not for a gRPC callback thread. Run it aside and finish from there.
        {
          absl::MutexLock lock(&mu_);
          ++backups_running_;
        }
        std::thread([this, name = request->name(), done = std::move(done)]() mutable {
          absl::StatusOr<BackupInfo> info = maintenance_->CreateBackup(name);
          done(info.ok() ? absl::StatusOr<v1::Backup>(ToProto(*info))
                         : absl::StatusOr<v1::Backup>(info.status()));
          absl::MutexLock lock(&mu_);
          --backups_running_;
        }).detach();
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::VerifyIntegrity(
    grpc::CallbackServerContext* context, const v1::VerifyIntegrityRequest* request,
    v1::IntegrityCheck* response) {
  return edge_.Unary<v1::VerifyIntegrityRequest, v1::IntegrityCheck>(
      context, "lineage.v1.AdminService/VerifyIntegrity", *request, response, {v1::ROLE_OPERATOR},
      [&](const Caller&) {
        return absl::StatusOr<v1::IntegrityCheck>(ToProto(maintenance_->StartIntegrityCheck()));
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::GetIntegrityCheck(
    grpc::CallbackServerContext* context, const v1::GetIntegrityCheckRequest* request,
    v1::IntegrityCheck* response) {
  return edge_.Unary<v1::GetIntegrityCheckRequest, v1::IntegrityCheck>(
      context, "lineage.v1.AdminService/GetIntegrityCheck", *request, response,
      {v1::ROLE_OPERATOR, v1::ROLE_AUDITOR}, [&](const Caller&) {
        return absl::StatusOr<v1::IntegrityCheck>(ToProto(maintenance_->integrity_check()));
      });
}

grpc::ServerUnaryReactor* AdminServiceImpl::GetStatus(grpc::CallbackServerContext* context,
                                                      const v1::GetStatusRequest* request,
                                                      v1::LedgerStatus* response) {
  return edge_.Unary<v1::GetStatusRequest, v1::LedgerStatus>(
      context, "lineage.v1.AdminService/GetStatus", *request, response, {v1::ROLE_OPERATOR},
      [&](const Caller&) {
        v1::LedgerStatus status;
        status.set_origin(ledger_.origin());
        std::shared_ptr<const PublishedCheckpoint> checkpoint = ledger_.LatestCheckpoint();
        if (checkpoint != nullptr) {
          status.set_tree_size(checkpoint->checkpoint.size);
          status.set_checkpoint(checkpoint->note);
        }
        status.set_writable(ledger_.write_refusal().ok());
        status.set_write_refusal(std::string(ledger_.write_refusal().message()));
        status.set_backup_dir(backup_dir_);
        status.set_slow_commit_groups(ledger_.slow_commit_groups());
        status.set_storage_backlog(ledger_.database().Backlog());
        if (queries_ != nullptr) *status.mutable_graph() = queries_->Status();
        return absl::StatusOr<v1::LedgerStatus>(std::move(status));
      });
}

}  // namespace lineage
