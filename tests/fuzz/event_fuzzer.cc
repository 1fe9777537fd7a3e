// event_fuzzer: arbitrary bytes as a serialized lineage.v1.LineageEvent,
// through parsing, ValidateLineageEvent, NamespacesWritten and, for valid
// events, the graph's PlanEvent.
//
// Invariants beyond "no crash, no sanitizer report":
//   - validation fails only with INVALID_ARGUMENT, and its message is valid
//     UTF-8 (it travels in Receipt.error_message, a proto3 string);
//   - NamespacesWritten is sorted, unique and holds the event's namespace;
//   - a valid event's plan has in-range edges and no NUL byte in any part
//     of a natural key (0x00 separates those parts in RocksDB keys).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "google/protobuf/stubs/logging.h"
#include "lineage/v1/event.pb.h"
#include "server/graph/event_plan.h"
#include "server/ledger/event_validator.h"
#include "tests/fuzz/fuzz_check.h"

namespace lineage::fuzz {
namespace {

constexpr uint64_t kIntegrationMicros = 1763600000000000;

bool HasNul(absl::string_view s) { return s.find('\0') != absl::string_view::npos; }

void CheckPlan(const v1::LineageEvent& event) {
  const EventPlan plan = PlanEvent(event, kIntegrationMicros);
  FUZZ_CHECK(plan.event_id == event.event_id());
  FUZZ_CHECK(!plan.nodes.empty());
  for (const NodeMention& n : plan.nodes) {
    FUZZ_CHECK(!n.natural_key.empty());
    FUZZ_CHECK(!HasNul(n.ns) && !HasNul(n.name) && !HasNul(n.version) && !HasNul(n.run_id) &&
               !HasNul(n.digest));
    FUZZ_CHECK(!n.ns.empty());
  }
  for (const EdgeMention& e : plan.edges) {
    FUZZ_CHECK(e.from < plan.nodes.size() && e.to < plan.nodes.size());
  }
}

}  // namespace
}  // namespace lineage::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid UTF-8 in a string field is an expected input; keep the log quiet.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lineage;
  v1::LineageEvent event;
  if (!event.ParseFromArray(data, static_cast<int>(size))) {
    fuzz::Report("ParseFromArray", absl::InvalidArgumentError("not a LineageEvent"));
    return 0;
  }

  const absl::Status valid = ValidateLineageEvent(event);
  fuzz::Report("ValidateLineageEvent", valid);
  FUZZ_CHECK_CODE(valid, absl::StatusCode::kInvalidArgument);
  // The message is sent back in Receipt.error_message, a proto3 string.
  FUZZ_CHECK(fuzz::IsValidUtf8(valid.message()));

  const std::vector<std::string> written = NamespacesWritten(event);
  FUZZ_CHECK(std::is_sorted(written.begin(), written.end()));
  FUZZ_CHECK(std::adjacent_find(written.begin(), written.end()) == written.end());
  FUZZ_CHECK(std::binary_search(written.begin(), written.end(), event.namespace_()));
  if (!valid.ok()) return 0;

  for (const std::string& ns : written) {
    FUZZ_CHECK(!ns.empty() && ns.size() <= 256);
    FUZZ_CHECK(std::none_of(ns.begin(), ns.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    }));
  }
  fuzz::CheckPlan(event);
  return 0;
}
