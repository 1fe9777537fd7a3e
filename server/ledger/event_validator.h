// Validation of a parsed LineageEvent, in one place, with messages that name
// the field and say what was expected:
//
//   event.inputs[2].dataset.digest: got "sha256:xyz", want "sha256:" and 64
//   lowercase hex characters
//
// Limits (also in docs/api.md): ids 1-128 printable ASCII; namespaces 1-256
// characters and names 1-512, no control characters; at most 10,000 inputs,
// outputs or deployments; at most 256 attributes or facets per map, keys up
// to 256 bytes, attribute values up to 64 KiB, facet values up to 256 KiB;
// at most 10,000 subject tokens per dataset version.
//
// Thread-safety: pure functions.
#ifndef LINEAGE_SERVER_LEDGER_EVENT_VALIDATOR_H_
#define LINEAGE_SERVER_LEDGER_EVENT_VALIDATOR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "lineage/v1/event.pb.h"

namespace lineage {

// OK, or INVALID_ARGUMENT naming the first invalid field.
absl::Status ValidateLineageEvent(const v1::LineageEvent& event);

// Every namespace the event writes: its own, its job's, its outputs',
// deployments', and asserted datasets' and models'. Inputs may be read from any namespace. Sorted, unique.
std::vector<std::string> NamespacesWritten(const v1::LineageEvent& event);

// `ns` if non-empty, else `fallback`: a node's effective namespace.
inline absl::string_view EffectiveNamespace(absl::string_view ns, absl::string_view fallback) {
  return ns.empty() ? fallback : ns;
}

// OK, or INVALID_ARGUMENT unless `digest` is "<algorithm>:<lowercase hex>"
// for sha256, sha384, sha512, sha3-256, sha3-512 or blake3.
absl::Status ValidateDigest(absl::string_view digest, absl::string_view field);

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_EVENT_VALIDATOR_H_
