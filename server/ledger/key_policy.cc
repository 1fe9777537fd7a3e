#include "server/ledger/key_policy.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/ledger/proto_time.h"

namespace lineage {

absl::Status ValidateNamespacePattern(absl::string_view pattern, absl::string_view field) {
  if (pattern.empty() || pattern.size() > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": got ", pattern.size(), " characters, want 1 to 256"));
  }
  for (unsigned char c : pattern) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": contains a control character"));
    }
  }
  const size_t star = pattern.find('*');
  if (star != absl::string_view::npos && star != pattern.size() - 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", pattern, "\" has a '*' that is not last (want \"name\", \"prefix*\" or \"*\")"));
  }
  return absl::OkStatus();
}

bool PatternCovers(absl::string_view pattern, absl::string_view ns) {
  if (absl::EndsWith(pattern, "*")) {
    return absl::StartsWith(ns, pattern.substr(0, pattern.size() - 1));
  }
  return pattern == ns;
}

bool KeyMayWrite(const v1::ProducerKey& key, absl::string_view ns) {
  for (const std::string& pattern : key.namespaces()) {
    if (PatternCovers(pattern, ns)) return true;
  }
  return false;
}

bool NamespaceAllowed(const std::vector<std::string>& patterns, absl::string_view ns) {
  for (const std::string& pattern : patterns) {
    if (PatternCovers(pattern, ns)) return true;
  }
  return false;
}

v1::KeyState KeyStateAt(const v1::ProducerKey& key, absl::Time now) {
  if (key.has_revoked_at()) return v1::KEY_STATE_REVOKED;
  if (key.has_not_before() && now < FromProtoTime(key.not_before())) {
    return v1::KEY_STATE_NOT_YET_VALID;
  }
  if (key.has_not_after() && now >= FromProtoTime(key.not_after())) return v1::KEY_STATE_EXPIRED;
  return v1::KEY_STATE_ACTIVE;
}

absl::Status CheckKeyUsable(const v1::ProducerKey& key, absl::Time now) {
  switch (KeyStateAt(key, now)) {
    case v1::KEY_STATE_ACTIVE:
      return absl::OkStatus();
    case v1::KEY_STATE_REVOKED:
      return absl::UnauthenticatedError(absl::StrCat(
          "key ", key.key_id(), " was revoked at ", FormatRfc3339(FromProtoTime(key.revoked_at())),
          " (", key.revocation_reason(), "); sign with a registered, active key"));
    case v1::KEY_STATE_NOT_YET_VALID:
      return absl::UnauthenticatedError(absl::StrCat("key ", key.key_id(),
                                                     " is not valid before ",
                                                     FormatRfc3339(FromProtoTime(key.not_before()))));
    case v1::KEY_STATE_EXPIRED:
      return absl::UnauthenticatedError(absl::StrCat("key ", key.key_id(), " expired at ",
                                                     FormatRfc3339(FromProtoTime(key.not_after()))));
    default:
      return absl::InternalError("unknown key state");
  }
}

}  // namespace lineage
