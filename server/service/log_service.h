// gRPC LogService: checkpoints, proofs and entries (proto/lineage/v1/log.proto).
//
// Thread-safety: safe for concurrent calls. The ledger must outlive it.
#ifndef LINEAGE_SERVER_SERVICE_LOG_SERVICE_H_
#define LINEAGE_SERVER_SERVICE_LOG_SERVICE_H_

#include "lineage/v1/log.grpc.pb.h"
#include "server/ledger/ledger.h"
#include "server/service/service_edge.h"

namespace lineage {

class LogServiceImpl final : public v1::LogService::CallbackService {
 public:
  LogServiceImpl(Ledger& ledger, ServiceEdge& edge) : ledger_(ledger), edge_(edge) {}

  grpc::ServerUnaryReactor* GetCheckpoint(grpc::CallbackServerContext* context,
                                          const v1::GetCheckpointRequest* request,
                                          v1::SignedCheckpoint* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(grpc::CallbackServerContext* context,
                                              const v1::GetInclusionProofRequest* request,
                                              v1::InclusionProof* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(grpc::CallbackServerContext* context,
                                                const v1::GetConsistencyProofRequest* request,
                                                v1::ConsistencyProof* response) override;
  grpc::ServerUnaryReactor* GetEntries(grpc::CallbackServerContext* context,
                                       const v1::GetEntriesRequest* request,
                                       v1::GetEntriesResponse* response) override;

 private:
  Ledger& ledger_;
  ServiceEdge& edge_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_LOG_SERVICE_H_
