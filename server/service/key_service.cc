#include "server/service/key_service.h"

namespace lineage {

grpc::ServerUnaryReactor* KeyServiceImpl::RegisterKey(grpc::CallbackServerContext* context,
                                                      const v1::RegisterKeyRequest* request,
                                                      v1::ProducerKey* response) {
  return edge_.UnaryAsync<v1::RegisterKeyRequest, v1::ProducerKey>(
      context, "lineage.v1.KeyService/RegisterKey", *request, response, {v1::ROLE_KEY_ADMIN},
      [this, request](const Caller& caller, auto done) {
        ledger_.RegisterKey(*request, caller.principal, std::move(done));
      });
}

grpc::ServerUnaryReactor* KeyServiceImpl::ListKeys(grpc::CallbackServerContext* context,
                                                   const v1::ListKeysRequest* request,
                                                   v1::ListKeysResponse* response) {
  return edge_.Unary<v1::ListKeysRequest, v1::ListKeysResponse>(
      context, "lineage.v1.KeyService/ListKeys", *request, response,
      {v1::ROLE_KEY_ADMIN, v1::ROLE_AUDITOR},
      [&](const Caller&) { return ledger_.ListKeys(*request); });
}

grpc::ServerUnaryReactor* KeyServiceImpl::RevokeKey(grpc::CallbackServerContext* context,
                                                    const v1::RevokeKeyRequest* request,
                                                    v1::ProducerKey* response) {
  return edge_.UnaryAsync<v1::RevokeKeyRequest, v1::ProducerKey>(
      context, "lineage.v1.KeyService/RevokeKey", *request, response, {v1::ROLE_KEY_ADMIN},
      [this, request](const Caller& caller, auto done) {
        ledger_.RevokeKey(*request, caller.principal, std::move(done));
      });
}

}  // namespace lineage
