#include "server/service/log_service.h"

#include "server/service/unary.h"

namespace lineage {

grpc::ServerUnaryReactor* LogServiceImpl::GetCheckpoint(grpc::CallbackServerContext* context,
                                                        const v1::GetCheckpointRequest* request,
                                                        v1::SignedCheckpoint* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
  if (!caller.ok()) return Reject(context, caller.status());
  return FinishWith(context, response, ledger_.log().GetCheckpoint());
}

grpc::ServerUnaryReactor* LogServiceImpl::GetInclusionProof(
    grpc::CallbackServerContext* context, const v1::GetInclusionProofRequest* request,
    v1::InclusionProof* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
  if (!caller.ok()) return Reject(context, caller.status());
  return FinishWith(context, response, ledger_.log().GetInclusionProof(*request));
}

grpc::ServerUnaryReactor* LogServiceImpl::GetConsistencyProof(
    grpc::CallbackServerContext* context, const v1::GetConsistencyProofRequest* request,
    v1::ConsistencyProof* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
  if (!caller.ok()) return Reject(context, caller.status());
  return FinishWith(context, response, ledger_.log().GetConsistencyProof(*request));
}

grpc::ServerUnaryReactor* LogServiceImpl::GetEntries(grpc::CallbackServerContext* context,
                                                     const v1::GetEntriesRequest* request,
                                                     v1::GetEntriesResponse* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
  if (!caller.ok()) return Reject(context, caller.status());
  return FinishWith(context, response, ledger_.log().GetEntries(*request));
}

}  // namespace lineage
