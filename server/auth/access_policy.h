// AccessPolicy: who may call what, parsed from the policy file (a
// lineage.v1.AccessPolicy as textproto, or JSON for files ending in .json).
// Deny by default: a principal no binding matches has no roles.
//
//   ASSIGN_OR_RETURN(auto policy, AccessPolicy::Parse(text, "policy.textproto"));
//   Grants g = policy->GrantsFor("spiffe://acme/ci/airflow");
//   if (!g.Has(v1::ROLE_PRODUCER)) ...
//
// The principal of a caller without a TLS client certificate (the plaintext
// loopback development default) is "local"; the development policy grants
// "local" every role.
//
// Thread-safety: immutable once built.
#ifndef LINEAGE_SERVER_AUTH_ACCESS_POLICY_H_
#define LINEAGE_SERVER_AUTH_ACCESS_POLICY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lineage/v1/policy.pb.h"

namespace lineage {

// The principal of callers without a client certificate.
inline constexpr absl::string_view kLocalPrincipal = "local";

// What one principal may do.
struct Grants {
  uint32_t roles = 0;  // Bit per v1::Role.
  std::vector<std::string> namespaces;  // Producer namespaces (patterns).
  v1::RateLimit rate_limit;

  bool Has(v1::Role role) const { return (roles & (uint32_t{1} << role)) != 0; }
};

class AccessPolicy {
 public:
  // Parses and validates a policy. `source` names it in messages and picks
  // the format (".json" is JSON, anything else textproto). INVALID_ARGUMENT
  // naming the binding and field at fault.
  static absl::StatusOr<std::shared_ptr<const AccessPolicy>> Parse(absl::string_view text,
                                                                   absl::string_view source);

  // Reads and parses a policy file.
  static absl::StatusOr<std::shared_ptr<const AccessPolicy>> Load(const std::string& path);

  // The development default: "local" has every role and may write every
  // namespace; nobody else has anything.
  static std::shared_ptr<const AccessPolicy> Development();

  // The union of every binding matching `principal`.
  Grants GrantsFor(absl::string_view principal) const;

  const v1::AccessPolicy& proto() const { return policy_; }

 private:
  explicit AccessPolicy(v1::AccessPolicy policy) : policy_(std::move(policy)) {}
  v1::AccessPolicy policy_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_AUTH_ACCESS_POLICY_H_
