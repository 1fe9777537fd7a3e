#include "server/auth/access_policy.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "server/ledger/key_policy.h"

namespace lineage {
namespace {

// Collects parse errors with their line and column.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty()) first_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

bool Matches(absl::string_view pattern, absl::string_view principal) {
  if (absl::EndsWith(pattern, "*")) {
    return absl::StartsWith(principal, pattern.substr(0, pattern.size() - 1));
  }
  return pattern == principal;
}

absl::Status CheckRate(const v1::RateLimit& r, absl::string_view field) {
  if (r.events_per_second() < 0 || r.calls_per_second() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": rates must be >= 0"));
  }
  return absl::OkStatus();
}

absl::Status Validate(const v1::AccessPolicy& policy, absl::string_view source) {
  RETURN_IF_ERROR(CheckRate(policy.default_rate_limit(), absl::StrCat(source, ": default_rate_limit")));
  for (int i = 0; i < policy.bindings_size(); ++i) {
    const v1::Binding& b = policy.bindings(i);
    const std::string field = absl::StrCat(source, ": bindings[", i, "]");
    if (b.principal().empty() || b.principal() == "*") {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".principal: empty or \"*\"; name a principal or a prefix ending in \"*\""));
    }
    if (b.principal().find('*') != b.principal().size() - 1 &&
        b.principal().find('*') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".principal: '*' only at the end"));
    }
    if (b.roles_size() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".roles: grant at least one role"));
    }
    bool producer = false;
    for (int r : b.roles()) {
      if (r == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(r)) {
        return absl::InvalidArgumentError(absl::StrCat(field, ".roles: unknown role ", r));
      }
      producer |= r == v1::ROLE_PRODUCER;
    }
    if (producer && b.namespaces_size() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".namespaces: a producer binding must list the namespaces it may write"));
    }
    for (int n = 0; n < b.namespaces_size(); ++n) {
      RETURN_IF_ERROR(ValidateNamespacePattern(b.namespaces(n),
                                               absl::StrCat(field, ".namespaces[", n, "]")));
    }
    RETURN_IF_ERROR(CheckRate(b.rate_limit(), absl::StrCat(field, ".rate_limit")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<const AccessPolicy>> AccessPolicy::Parse(absl::string_view text,
                                                                         absl::string_view source) {
  v1::AccessPolicy policy;
  if (absl::EndsWith(source, ".json")) {
    google::protobuf::util::JsonParseOptions options;
    auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(text.data(), text.size()), &policy, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": not a valid AccessPolicy in JSON: ", status.message().as_string()));
    }
  } else {
    google::protobuf::TextFormat::Parser parser;
    ErrorCollector errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(std::string(text), &policy)) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": not a valid AccessPolicy textproto: ", errors.first()));
    }
  }
  RETURN_IF_ERROR(Validate(policy, source));
  return std::shared_ptr<const AccessPolicy>(new AccessPolicy(std::move(policy)));
}

absl::StatusOr<std::shared_ptr<const AccessPolicy>> AccessPolicy::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return Parse(text, path);
}

std::shared_ptr<const AccessPolicy> AccessPolicy::Development() {
  v1::AccessPolicy policy;
  v1::Binding* b = policy.add_bindings();
  b->set_principal(std::string(kLocalPrincipal));
  for (int r = v1::Role_MIN; r <= v1::Role_MAX; ++r) {
    if (r != v1::ROLE_UNSPECIFIED) b->add_roles(static_cast<v1::Role>(r));
  }
  b->add_namespaces("*");
  b->set_comment("development default: whoever reaches the plaintext loopback port");
  return std::shared_ptr<const AccessPolicy>(new AccessPolicy(std::move(policy)));
}

Grants AccessPolicy::GrantsFor(absl::string_view principal) const {
  Grants grants;
  grants.rate_limit = policy_.default_rate_limit();
  bool rate_set = false;
  for (const v1::Binding& b : policy_.bindings()) {
    if (!Matches(b.principal(), principal)) continue;
    for (int r : b.roles()) grants.roles |= uint32_t{1} << r;
    grants.namespaces.insert(grants.namespaces.end(), b.namespaces().begin(), b.namespaces().end());
    if (b.has_rate_limit() && !rate_set) {
      grants.rate_limit = b.rate_limit();
      rate_set = true;
    }
  }
  return grants;
}

}  // namespace lineage
