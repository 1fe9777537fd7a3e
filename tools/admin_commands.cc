#include "tools/admin_commands.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/ledger_client.h"
#include "lineage/v1/admin.grpc.pb.h"
#include "tools/cli_util.h"

namespace lineage::cli {
namespace {

template <typename Request, typename Response, typename Method>
absl::Status Call(v1::AdminService::Stub& stub, Method method, const Request& request,
                  Response& response, absl::Duration deadline) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return FromGrpcStatus((stub.*method)(&context, request, &response));
}

}  // namespace

absl::Status Backup(const std::shared_ptr<grpc::Channel>& channel, absl::Duration deadline,
                    const std::string& name) {
  auto stub = v1::AdminService::NewStub(channel);
  v1::CreateBackupRequest request;
  request.set_name(name);
  v1::Backup backup;
  absl::Status s = Call(*stub, &v1::AdminService::Stub::CreateBackup, request, backup, deadline);
  if (!s.ok()) return s;
  std::cout << ToJson(backup) << "\n";
  return absl::OkStatus();
}

absl::Status VerifyIntegrity(const std::shared_ptr<grpc::Channel>& channel,
                             absl::Duration deadline, bool wait) {
  auto stub = v1::AdminService::NewStub(channel);
  v1::IntegrityCheck check;
  absl::Status s = Call(*stub, &v1::AdminService::Stub::VerifyIntegrity,
                        v1::VerifyIntegrityRequest(), check, deadline);
  while (s.ok() && wait && check.phase() == v1::INTEGRITY_CHECK_PHASE_RUNNING) {
    std::cerr << "checked " << check.entries_done() << " of " << check.tree_size() << " entries\n";
    absl::SleepFor(absl::Seconds(2));
    s = Call(*stub, &v1::AdminService::Stub::GetIntegrityCheck, v1::GetIntegrityCheckRequest(),
             check, deadline);
  }
  if (!s.ok()) return s;
  std::cout << ToJson(check) << "\n";
  if (!wait) return absl::OkStatus();
  if (check.phase() == v1::INTEGRITY_CHECK_PHASE_FAILED) {
    return absl::UnavailableError(absl::StrCat("the integrity check did not finish: ", check.error()));
  }
  if (check.finding_count() > 0) {
    return absl::DataLossError(absl::StrCat("the integrity check found ", check.finding_count(),
                                            " problems (listed above)"));
  }
  std::cerr << "verified " << check.tree_size() << " entries: no damage found\n";
  return absl::OkStatus();
}

absl::Status Status(const std::shared_ptr<grpc::Channel>& channel, absl::Duration deadline) {
  auto stub = v1::AdminService::NewStub(channel);
  v1::LedgerStatus status;
  absl::Status s =
      Call(*stub, &v1::AdminService::Stub::GetStatus, v1::GetStatusRequest(), status, deadline);
  if (!s.ok()) return s;
  std::cout << ToJson(status) << "\n";
  return absl::OkStatus();
}

}  // namespace lineage::cli
