#include "server/ledger/integrity_finding.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"

namespace lineage {

std::string IntegrityFinding::ToString() const {
  std::string out = absl::StrCat(column, "[", absl::CEscape(key), "]");
  if (index.has_value()) absl::StrAppend(&out, " (log index ", *index, ")");
  absl::StrAppend(&out, ": ", problem);
  if (!expected.empty() || !got.empty()) {
    absl::StrAppend(&out, ": expected ", expected.empty() ? "(nothing)" : expected, ", got ",
                    got.empty() ? "(nothing)" : got);
  }
  return out;
}

void FindingSink::Add(IntegrityFinding finding) {
  ++count_;
  if (kept_.size() < max_kept_) kept_.push_back(std::move(finding));
}

}  // namespace lineage
