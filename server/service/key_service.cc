#include "server/service/key_service.h"

#include "server/service/unary.h"

namespace lineage {
namespace {

}  // namespace

grpc::ServerUnaryReactor* KeyServiceImpl::RegisterKey(grpc::CallbackServerContext* context,
                                                      const v1::RegisterKeyRequest* request,
                                                      v1::ProducerKey* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_KEY_ADMIN);
  if (!caller.ok()) return Reject(context, caller.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ledger_.RegisterKey(*request, caller->principal, CompleteWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* KeyServiceImpl::ListKeys(grpc::CallbackServerContext* context,
                                                   const v1::ListKeysRequest* request,
                                                   v1::ListKeysResponse* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, {v1::ROLE_KEY_ADMIN, v1::ROLE_AUDITOR});
  if (!caller.ok()) return Reject(context, caller.status());
  return FinishWith(context, response, ledger_.ListKeys(*request));
}

grpc::ServerUnaryReactor* KeyServiceImpl::RevokeKey(grpc::CallbackServerContext* context,
                                                    const v1::RevokeKeyRequest* request,
                                                    v1::ProducerKey* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_KEY_ADMIN);
  if (!caller.ok()) return Reject(context, caller.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ledger_.RevokeKey(*request, caller->principal, CompleteWith(reactor, response));
  return reactor;
}

}  // namespace lineage
