// gRPC AuditService: searching the access log (proto/lineage/v1/audit.proto).
//
// Thread-safety: safe for concurrent calls. The audit log must outlive it.
#ifndef LINEAGE_SERVER_SERVICE_AUDIT_SERVICE_H_
#define LINEAGE_SERVER_SERVICE_AUDIT_SERVICE_H_

#include "lineage/v1/audit.grpc.pb.h"
#include "server/audit/audit_log.h"
#include "server/service/service_edge.h"

namespace lineage {

class AuditServiceImpl final : public v1::AuditService::CallbackService {
 public:
  AuditServiceImpl(const AuditLog& audit, ServiceEdge& edge) : audit_(audit), edge_(edge) {}

  grpc::ServerUnaryReactor* QueryAccessLog(grpc::CallbackServerContext* context,
                                           const v1::QueryAccessLogRequest* request,
                                           v1::QueryAccessLogResponse* response) override {
    // Reading the access log is itself recorded (without the records read:
    // their node IDs would index every answer twice).
    return edge_.Unary<v1::QueryAccessLogRequest, v1::QueryAccessLogResponse>(
        context, "lineage.v1.AuditService/QueryAccessLog", *request, response,
        {v1::ROLE_AUDITOR}, [&](const Caller&) { return audit_.Query(*request); });
  }

 private:
  const AuditLog& audit_;
  ServiceEdge& edge_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_AUDIT_SERVICE_H_
