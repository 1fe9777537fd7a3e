#include "tools/cli_util.h"

#include <google/protobuf/util/json_util.h>

#include <iostream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace lineage::cli {

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  return ReadFile(path);
}

absl::Status ParseJson(absl::string_view json, google::protobuf::Message& message,
                       absl::string_view what) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a valid ",
                                                   message.GetDescriptor()->full_name(),
                                                   " in JSON: ", status.message().as_string()));
  }
  return absl::OkStatus();
}

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = false;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

absl::StatusOr<std::vector<std::string>> SplitJsonObjects(absl::string_view text) {
  // A small scanner over the top level: tracks strings and nesting depth and
  // cuts at each top-level object. Arrays at the top level are unwrapped.
  std::vector<std::string> out;
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = 0;
  int array_depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      if (depth == 0) start = i;
      ++depth;
    } else if (c == '}') {
      if (--depth < 0) return absl::InvalidArgumentError("unbalanced '}' in JSON input");
      if (depth == 0) out.emplace_back(text.substr(start, i - start + 1));
    } else if (depth == 0) {
      if (c == '[') {
        ++array_depth;
      } else if (c == ']') {
        --array_depth;
      } else if (c != ',' && !absl::ascii_isspace(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(
            absl::StrCat("unexpected '", std::string(1, c), "' at offset ", i,
                         " of JSON input (want objects, an array of objects, or JSON Lines)"));
      }
    }
  }
  if (depth != 0 || in_string || array_depth != 0) {
    return absl::InvalidArgumentError("JSON input ends inside an object, string or array");
  }
  return out;
}

absl::StatusOr<LogVerifier> LoadVerifier(const std::string& vkey_or_path) {
  if (vkey_or_path.empty()) {
    return absl::InvalidArgumentError(
        "--vkey: missing; give the log's verifier key (\"origin+keyid+key\") or a file "
        "holding it, obtained out of band (lineaged prints it at start)");
  }
  absl::StatusOr<LogVerifier> inline_key = LogVerifier::FromVerifierKey(vkey_or_path);
  if (inline_key.ok()) return inline_key;
  absl::StatusOr<std::string> file = ReadFile(vkey_or_path);
  if (!file.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--vkey: neither a verifier key (",
                                                   inline_key.status().message(),
                                                   ") nor a readable file (",
                                                   file.status().message(), ")"));
  }
  return LogVerifier::FromVerifierKey(absl::StripAsciiWhitespace(*file));
}

int Fail(const absl::Status& status, bool usage_on_invalid) {
  std::cerr << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
  return usage_on_invalid && absl::IsInvalidArgument(status) ? kExitUsage : kExitFailed;
}

}  // namespace lineage::cli
