#include "crypto/checkpoint.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace lineage {

std::string FormatCheckpoint(const Checkpoint& checkpoint) {
  std::string out = absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                                 absl::Base64Escape(HashBytes(checkpoint.root)), "\n");
  for (const std::string& ext : checkpoint.extensions) absl::StrAppend(&out, ext, "\n");
  return out;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError("checkpoint: text must end in a newline");
  }
  text.remove_suffix(1);
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint: got ", lines.size(), " lines, want at least 3 (origin, size, root)"));
  }
  Checkpoint out;
  if (lines[0].empty()) return absl::InvalidArgumentError("checkpoint: empty origin line");
  out.origin = std::string(lines[0]);
  const absl::string_view size = lines[1];
  const bool digits = !size.empty() && std::all_of(size.begin(), size.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  if (!digits || (size.size() > 1 && size[0] == '0') || !absl::SimpleAtoi(size, &out.size)) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: size line \"", size, "\" is not a decimal uint64"));
  }
  std::string root;
  if (!absl::Base64Unescape(lines[2], &root) || absl::Base64Escape(root) != lines[2]) {
    return absl::InvalidArgumentError("checkpoint: root line is not base64");
  }
  ASSIGN_OR_RETURN(out.root, HashFromBytes(root, "checkpoint root"));
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return absl::InvalidArgumentError("checkpoint: empty extension line");
    out.extensions.emplace_back(lines[i]);
  }
  return out;
}

absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view note, const NoteVerifier& verifier) {
  ASSIGN_OR_RETURN(std::string text, verifier.Open(note));
  ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(text));
  if (checkpoint.origin != verifier.name()) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint origin \"", checkpoint.origin,
                                                   "\" is not the pinned log \"",
                                                   verifier.name(), "\""));
  }
  return checkpoint;
}

}  // namespace lineage
