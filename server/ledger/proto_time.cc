#include "server/ledger/proto_time.h"

#include "absl/strings/str_cat.h"

namespace lineage {
namespace {
constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
}  // namespace

absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return out;
}

google::protobuf::Timestamp ProtoTimeFromMicros(uint64_t micros) {
  google::protobuf::Timestamp out;
  out.set_seconds(static_cast<int64_t>(micros / 1000000));
  out.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return out;
}

absl::Status ValidateProtoTime(const google::protobuf::Timestamp& t, absl::string_view field) {
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": {seconds: ", t.seconds(), ", nanos: ", t.nanos(),
        "} is outside 0001-01-01..9999-12-31 or has nanos outside [0, 999999999]"));
  }
  return absl::OkStatus();
}

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

}  // namespace lineage
