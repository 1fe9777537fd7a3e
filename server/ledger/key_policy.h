// Rules for producer keys: namespace patterns, validity windows, state.
//
// A key may write a namespace if one of its patterns is the namespace
// itself, "*", or a prefix ending in "*" ("acme.ml/*" allows "acme.ml/fraud").
// A key is usable at time t if not revoked, t >= not_before (when set) and
// t < not_after (when set).
//
// Thread-safety: pure functions.
#ifndef LINEAGE_SERVER_LEDGER_KEY_POLICY_H_
#define LINEAGE_SERVER_LEDGER_KEY_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lineage/v1/keys.pb.h"

namespace lineage {

// INVALID_ARGUMENT unless `pattern` is a well-formed namespace pattern.
absl::Status ValidateNamespacePattern(absl::string_view pattern, absl::string_view field);

// True if one of the key's patterns covers `ns`.
bool KeyMayWrite(const v1::ProducerKey& key, absl::string_view ns);

// True if `pattern` ("name", "prefix*" or "*") covers `ns`.
bool PatternCovers(absl::string_view pattern, absl::string_view ns);

// True if one of `patterns` covers `ns`.
bool NamespaceAllowed(const std::vector<std::string>& patterns, absl::string_view ns);

// The key's state at `now`.
v1::KeyState KeyStateAt(const v1::ProducerKey& key, absl::Time now);

// OK if the key is usable at `now`; otherwise UNAUTHENTICATED saying why
// (revoked when and why, not yet valid, expired).
absl::Status CheckKeyUsable(const v1::ProducerKey& key, absl::Time now);

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_KEY_POLICY_H_
