#include "bench/graph/call_floor.h"

#include <fcntl.h>
#include <grpcpp/generic/generic_stub.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "lineage/v1/lineage.grpc.pb.h"

namespace lineage::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

absl::StatusOr<std::vector<double>> GrpcRoundTripsMs(std::shared_ptr<grpc::Channel> channel,
                                                     int calls) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  std::vector<double> out;
  for (int i = 0; i < calls; ++i) {
    grpc::ClientContext context;
    grpc::Slice empty(std::string{});
    grpc::ByteBuffer request(&empty, 1),
        response;  // An empty HealthCheckRequest: the server overall.
    grpc::Status status;
    const Clock::time_point t0 = Clock::now();
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
        stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request, &cq);
    call->StartCall();
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    if (!cq.Next(&tag, &ok) || !ok) return absl::UnavailableError("health check: no completion");
    if (!status.ok()) {
      return absl::UnavailableError(absl::StrCat("health check: ", status.error_message()));
    }
    out.push_back(Ms(Clock::now() - t0));
  }
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return out;
}

absl::StatusOr<std::vector<double>> AuditedCallsMs(std::shared_ptr<grpc::Channel> channel,
                                                   uint64_t node_id, int calls) {
  std::unique_ptr<v1::LineageService::Stub> stub = v1::LineageService::NewStub(channel);
  std::vector<double> out;
  for (int i = 0; i < calls; ++i) {
    grpc::ClientContext context;
    v1::GetNodeRequest request;
    request.mutable_node()->set_node_id(node_id);
    v1::GetNodeResponse response;
    const Clock::time_point t0 = Clock::now();
    const grpc::Status status = stub->GetNode(&context, request, &response);
    if (!status.ok())
      return absl::UnavailableError(absl::StrCat("GetNode: ", status.error_message()));
    out.push_back(Ms(Clock::now() - t0));
  }
  return out;
}

absl::StatusOr<std::vector<double>> FdatasyncsMs(const std::string& dir, int calls) {
  const std::string path = dir + "/graph_bench_fdatasync.tmp";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat(path, ": ", std::strerror(errno)));
  std::vector<double> out;
  char block[4096];
  std::memset(block, 'x', sizeof(block));
  for (int i = 0; i < calls; ++i) {
    const Clock::time_point t0 = Clock::now();
    if (::write(fd, block, sizeof(block)) != static_cast<ssize_t>(sizeof(block)) ||
        ::fdatasync(fd) != 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return absl::UnavailableError(absl::StrCat(path, ": ", std::strerror(errno)));
    }
    out.push_back(Ms(Clock::now() - t0));
  }
  ::close(fd);
  ::unlink(path.c_str());
  return out;
}

}  // namespace lineage::bench
