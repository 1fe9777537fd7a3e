// The one place absl::Status becomes grpc::Status (the service edge).
//
// Codes map one to one (both follow google.rpc.Code). Messages pass through
// unchanged: they are written for the caller.
//
// Thread-safety: pure function.
#ifndef LINEAGE_SERVER_SERVICE_GRPC_STATUS_H_
#define LINEAGE_SERVER_SERVICE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace lineage {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_GRPC_STATUS_H_
