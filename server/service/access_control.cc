#include "server/service/access_control.h"

#include <grpc/grpc_security_constants.h>

#include "absl/strings/str_cat.h"
#include "lineage/v1/ingest.grpc.pb.h"
#include "lineage/v1/lineage.grpc.pb.h"
#include "server/service/grpc_status.h"

namespace lineage {
namespace {

std::string FirstProperty(const grpc::AuthContext& auth, const char* name) {
  for (const grpc::string_ref& value : auth.FindPropertyValues(name)) {
    if (!value.empty()) return std::string(value.data(), value.size());
  }
  return "";
}

}  // namespace

std::string AccessControl::PrincipalOf(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    const std::string security =
        auth == nullptr ? "" : FirstProperty(*auth, GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME);
    // No TLS at all: the plaintext (loopback development) principal.
    if (security.empty() || security == "insecure") return std::string(kLocalPrincipal);
    return "";
  }
  for (const char* name : {GRPC_PEER_SPIFFE_ID_PROPERTY_NAME, GRPC_PEER_URI_PROPERTY_NAME,
                           GRPC_PEER_DNS_PROPERTY_NAME, GRPC_X509_CN_PROPERTY_NAME}) {
    std::string value = FirstProperty(*auth, name);
    if (!value.empty()) return value;
  }
  return "";
}

absl::StatusOr<Caller> AccessControl::Check(const grpc::ServerContextBase& context,
                                            std::initializer_list<v1::Role> roles) const {
  Caller caller;
  caller.principal = PrincipalOf(context);
  if (caller.principal.empty()) {
    return absl::UnauthenticatedError(
        "the client certificate carries no identity (want a URI or DNS SAN, or a common name)");
  }
  caller.grants = policies_.Current()->GrantsFor(caller.principal);
  bool allowed = false;
  std::string wanted;
  for (v1::Role role : roles) {
    allowed |= caller.grants.Has(role);
    absl::StrAppend(&wanted, wanted.empty() ? "" : " or ", v1::Role_Name(role));
  }
  if (!allowed) {
    return absl::PermissionDeniedError(absl::StrCat(
        "principal \"", caller.principal, "\" lacks role ", wanted,
        " needed for this call; ask for a binding in the access policy"));
  }
  absl::Status rate = limiter_.Take(caller.principal, "calls",
                                    caller.grants.rate_limit.calls_per_second(), 1, "calls");
  if (!rate.ok()) return rate;
  return caller;
}

absl::Status AccessControl::ChargeEvents(const Caller& caller, int events) const {
  return limiter_.Take(caller.principal, "events", caller.grants.rate_limit.events_per_second(),
                       events, "events");
}

grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* context, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

template <typename Reactor>
RejectedStream<Reactor>::RejectedStream(const absl::Status& status) {
  this->Finish(ToGrpcStatus(status));
}

template class RejectedStream<grpc::ServerWriteReactor<grpc::ByteBuffer>>;
template class RejectedStream<
    grpc::ServerBidiReactor<v1::AppendEventsRequest, v1::AppendEventsResponse>>;

}  // namespace lineage
