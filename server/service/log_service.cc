#include "server/service/log_service.h"

namespace lineage {

grpc::ServerUnaryReactor* LogServiceImpl::GetCheckpoint(grpc::CallbackServerContext* context,
                                                        const v1::GetCheckpointRequest* request,
                                                        v1::SignedCheckpoint* response) {
  return edge_.Unary<v1::GetCheckpointRequest, v1::SignedCheckpoint>(
      context, "lineage.v1.LogService/GetCheckpoint", *request, response, {v1::ROLE_AUDITOR},
      [&](const Caller&) { return ledger_.log().GetCheckpoint(); });
}

grpc::ServerUnaryReactor* LogServiceImpl::GetInclusionProof(
    grpc::CallbackServerContext* context, const v1::GetInclusionProofRequest* request,
    v1::InclusionProof* response) {
  return edge_.Unary<v1::GetInclusionProofRequest, v1::InclusionProof>(
      context, "lineage.v1.LogService/GetInclusionProof", *request, response, {v1::ROLE_AUDITOR},
      [&](const Caller&) { return ledger_.log().GetInclusionProof(*request); });
}

grpc::ServerUnaryReactor* LogServiceImpl::GetConsistencyProof(
    grpc::CallbackServerContext* context, const v1::GetConsistencyProofRequest* request,
    v1::ConsistencyProof* response) {
  return edge_.Unary<v1::GetConsistencyProofRequest, v1::ConsistencyProof>(
      context, "lineage.v1.LogService/GetConsistencyProof", *request, response, {v1::ROLE_AUDITOR},
      [&](const Caller&) { return ledger_.log().GetConsistencyProof(*request); });
}

grpc::ServerUnaryReactor* LogServiceImpl::GetEntries(grpc::CallbackServerContext* context,
                                                     const v1::GetEntriesRequest* request,
                                                     v1::GetEntriesResponse* response) {
  return edge_.Unary<v1::GetEntriesRequest, v1::GetEntriesResponse>(
      context, "lineage.v1.LogService/GetEntries", *request, response, {v1::ROLE_AUDITOR},
      [&](const Caller&) { return ledger_.log().GetEntries(*request); });
}

}  // namespace lineage
