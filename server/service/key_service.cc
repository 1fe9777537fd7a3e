#include "server/service/key_service.h"

#include "server/service/unary.h"

namespace lineage {
namespace {

// The principal recorded as the actor of a key change. Until transport
// identities exist this is the peer address.
std::string Actor(const grpc::CallbackServerContext* context) { return context->peer(); }

}  // namespace

grpc::ServerUnaryReactor* KeyServiceImpl::RegisterKey(grpc::CallbackServerContext* context,
                                                      const v1::RegisterKeyRequest* request,
                                                      v1::ProducerKey* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ledger_.RegisterKey(*request, Actor(context), CompleteWith(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* KeyServiceImpl::ListKeys(grpc::CallbackServerContext* context,
                                                   const v1::ListKeysRequest* request,
                                                   v1::ListKeysResponse* response) {
  return FinishWith(context, response, ledger_.ListKeys(*request));
}

grpc::ServerUnaryReactor* KeyServiceImpl::RevokeKey(grpc::CallbackServerContext* context,
                                                    const v1::RevokeKeyRequest* request,
                                                    v1::ProducerKey* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ledger_.RevokeKey(*request, Actor(context), CompleteWith(reactor, response));
  return reactor;
}

}  // namespace lineage
