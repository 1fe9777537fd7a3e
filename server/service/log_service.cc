#include "server/service/log_service.h"

#include "server/service/unary.h"

namespace lineage {

grpc::ServerUnaryReactor* LogServiceImpl::GetCheckpoint(grpc::CallbackServerContext* context,
                                                        const v1::GetCheckpointRequest* request,
                                                        v1::SignedCheckpoint* response) {
  return FinishWith(context, response, ledger_.log().GetCheckpoint());
}

grpc::ServerUnaryReactor* LogServiceImpl::GetInclusionProof(
    grpc::CallbackServerContext* context, const v1::GetInclusionProofRequest* request,
    v1::InclusionProof* response) {
  return FinishWith(context, response, ledger_.log().GetInclusionProof(*request));
}

grpc::ServerUnaryReactor* LogServiceImpl::GetConsistencyProof(
    grpc::CallbackServerContext* context, const v1::GetConsistencyProofRequest* request,
    v1::ConsistencyProof* response) {
  return FinishWith(context, response, ledger_.log().GetConsistencyProof(*request));
}

grpc::ServerUnaryReactor* LogServiceImpl::GetEntries(grpc::CallbackServerContext* context,
                                                     const v1::GetEntriesRequest* request,
                                                     v1::GetEntriesResponse* response) {
  return FinishWith(context, response, ledger_.log().GetEntries(*request));
}

}  // namespace lineage
