// The shared shape of every unary handler on the callback API: run the
// domain call (synchronously or with a completion), copy the result into the
// response, convert the status, finish. Handlers stay one statement long.
//
//   return FinishWith(context, response, ledger_.log().GetCheckpoint());
//
//   auto* reactor = context->DefaultReactor();
//   ledger_.RegisterKey(*request, actor, CompleteWith(reactor, response));
//   return reactor;
//
// Thread-safety: each call touches only its own reactor and response.
#ifndef LINEAGE_SERVER_SERVICE_UNARY_H_
#define LINEAGE_SERVER_SERVICE_UNARY_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "server/service/grpc_status.h"

namespace lineage {

template <typename Response>
grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context, Response* response,
                                     absl::StatusOr<Response> result) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

// A completion callback that finishes `reactor` with the result.
template <typename Response>
auto CompleteWith(grpc::ServerUnaryReactor* reactor, Response* response) {
  return [reactor, response](absl::StatusOr<Response> result) {
    if (result.ok()) *response = *std::move(result);
    reactor->Finish(ToGrpcStatus(result.status()));
  };
}

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_UNARY_H_
