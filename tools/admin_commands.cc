#include "tools/admin_commands.h"

#include <grpcpp/generic/generic_stub.h>

#include <future>
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

absl::Status Health(const std::shared_ptr<grpc::Channel>& channel, absl::Duration deadline,
                    const std::string& service) {
  // grpc.health.v1 is two tiny messages; encode them by hand rather than
  // ship the health proto: HealthCheckRequest{1: string service},
  // HealthCheckResponse{1: enum status}, SERVING = 1.
  if (service.size() > 127) return absl::InvalidArgumentError("--service: too long");
  std::string request_bytes;
  if (!service.empty()) {
    request_bytes.push_back(0x0a);
    request_bytes.push_back(static_cast<char>(service.size()));
    request_bytes += service;
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return FromGrpcStatus(status);
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  const int code = bytes.size() == 2 && bytes[0] == 0x08 ? bytes[1] : 0;
  static const char* const kNames[] = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
  const char* name = code >= 0 && code <= 3 ? kNames[code] : "UNKNOWN";
  std::cout << (service.empty() ? "(server)" : service) << ": " << name << "\n";
  if (code != 1) return absl::UnavailableError(absl::StrCat("health: ", name));
  return absl::OkStatus();
}

}  // namespace lineage::cli
