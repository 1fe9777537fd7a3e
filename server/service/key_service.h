// gRPC KeyService: the producer key registry (proto/lineage/v1/keys.proto).
//
// Thread-safety: safe for concurrent calls. The ledger must outlive it.
#ifndef LINEAGE_SERVER_SERVICE_KEY_SERVICE_H_
#define LINEAGE_SERVER_SERVICE_KEY_SERVICE_H_

#include "lineage/v1/keys.grpc.pb.h"
#include "server/ledger/ledger.h"
#include "server/service/service_edge.h"

namespace lineage {

class KeyServiceImpl final : public v1::KeyService::CallbackService {
 public:
  KeyServiceImpl(Ledger& ledger, ServiceEdge& edge) : ledger_(ledger), edge_(edge) {}

  grpc::ServerUnaryReactor* RegisterKey(grpc::CallbackServerContext* context,
                                        const v1::RegisterKeyRequest* request,
                                        v1::ProducerKey* response) override;
  grpc::ServerUnaryReactor* ListKeys(grpc::CallbackServerContext* context,
                                     const v1::ListKeysRequest* request,
                                     v1::ListKeysResponse* response) override;
  grpc::ServerUnaryReactor* RevokeKey(grpc::CallbackServerContext* context,
                                      const v1::RevokeKeyRequest* request,
                                      v1::ProducerKey* response) override;

 private:
  Ledger& ledger_;
  ServiceEdge& edge_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_KEY_SERVICE_H_
