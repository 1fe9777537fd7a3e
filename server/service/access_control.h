// AccessControl: who is calling, and may they? The service edge's one
// authorization check, applied at the top of every handler.
//
// The caller's principal is its TLS client certificate's identity (URI SAN,
// e.g. a SPIFFE ID, else DNS SAN, else common name); a caller on a plaintext
// connection is "local" (only the loopback development default serves
// plaintext). The principal's roles come from the access policy in force,
// deny by default. Each check also charges the principal's rate limit.
//
//   absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
//   if (!caller.ok()) return Reject(context, caller.status());
//
// Thread-safety: safe for concurrent use. The policy store and limiter must
// outlive it.
#ifndef LINEAGE_SERVER_SERVICE_ACCESS_CONTROL_H_
#define LINEAGE_SERVER_SERVICE_ACCESS_CONTROL_H_

#include <grpcpp/grpcpp.h>

#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "server/auth/access_policy.h"
#include "server/auth/policy_store.h"
#include "server/auth/rate_limiter.h"
#include "server/ledger/event_verifier.h"

namespace lineage {

struct Caller {
  std::string principal;
  Grants grants;

  // The identity the ledger checks producer keys and namespaces against.
  ProducerIdentity AsProducer() const { return {principal, grants.namespaces}; }
};

class AccessControl {
 public:
  AccessControl(PolicyStore& policies, RateLimiter& limiter)
      : policies_(policies), limiter_(limiter) {}

  // The caller, if it holds `role`: UNAUTHENTICATED without an identity,
  // PERMISSION_DENIED without the role (the message names principal, RPC
  // role and how to get it), RESOURCE_EXHAUSTED over its call rate.
  absl::StatusOr<Caller> Check(const grpc::ServerContextBase& context, v1::Role role) const {
    return Check(context, {role});
  }
  // The same when any one of `roles` will do.
  absl::StatusOr<Caller> Check(const grpc::ServerContextBase& context,
                               std::initializer_list<v1::Role> roles) const;

  // Charges `events` appended to the caller's event rate.
  absl::Status ChargeEvents(const Caller& caller, int events) const;

  // The principal of the peer of `context` ("" if a TLS peer shows no
  // usable identity).
  static std::string PrincipalOf(const grpc::ServerContextBase& context);

 private:
  PolicyStore& policies_;
  RateLimiter& limiter_;
};

// Finishes a unary call with `status` (for rejected calls).
grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* context, const absl::Status& status);

// A streaming reactor that only finishes with `status`.
template <typename Reactor>
class RejectedStream final : public Reactor {
 public:
  explicit RejectedStream(const absl::Status& status);
  void OnDone() override { delete this; }
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_ACCESS_CONTROL_H_
