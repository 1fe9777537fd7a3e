// Helpers shared by lineagectl and lineage-verify: reading inputs, JSON in
// and out (protobuf JSON mapping, the same grpcurl uses), resolving a pinned
// verifier key, and exit codes.
//
// Thread-safety: single-threaded command-line use.
#ifndef LINEAGE_TOOLS_CLI_UTIL_H_
#define LINEAGE_TOOLS_CLI_UTIL_H_

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/log_verifier.h"

namespace lineage::cli {

// Exit codes: 0 verified/succeeded, 1 failed (verification or server
// error), 2 usage error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// The contents of `path`, or of stdin for "-".
absl::StatusOr<std::string> ReadInput(const std::string& path);

// Parses protobuf JSON into `message` (field names in either camelCase or
// snake_case). INVALID_ARGUMENT naming `what` on error.
absl::Status ParseJson(absl::string_view json, google::protobuf::Message& message,
                       absl::string_view what);

// One message as JSON (multi-line when `pretty`).
std::string ToJson(const google::protobuf::Message& message, bool pretty = true);

// Splits JSON input holding one object, an array of objects, or one object
// per line (JSON Lines) into the text of each object.
absl::StatusOr<std::vector<std::string>> SplitJsonObjects(absl::string_view text);

// A pinned verifier key given inline ("name+id+key") or as a path to a file
// holding one. INVALID_ARGUMENT if neither works.
absl::StatusOr<LogVerifier> LoadVerifier(const std::string& vkey_or_path);

// Prints "error: <status>" to stderr and returns kExitFailed (or kExitUsage
// for INVALID_ARGUMENT when `usage_on_invalid`).
int Fail(const absl::Status& status, bool usage_on_invalid = false);

}  // namespace lineage::cli

#endif  // LINEAGE_TOOLS_CLI_UTIL_H_
