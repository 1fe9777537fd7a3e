// Conversions between absl::Time and google.protobuf.Timestamp, and the one
// time format used in messages (RFC 3339, UTC).
//
// Thread-safety: pure functions.
#ifndef LINEAGE_SERVER_LEDGER_PROTO_TIME_H_
#define LINEAGE_SERVER_LEDGER_PROTO_TIME_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace lineage {

absl::Time FromProtoTime(const google::protobuf::Timestamp& t);
google::protobuf::Timestamp ToProtoTime(absl::Time t);
google::protobuf::Timestamp ProtoTimeFromMicros(uint64_t micros);

// INVALID_ARGUMENT unless `t` is within 0001-01-01..9999-12-31 with nanos in
// [0, 1e9), naming `field`.
absl::Status ValidateProtoTime(const google::protobuf::Timestamp& t, absl::string_view field);

// RFC 3339 in UTC, e.g. "2026-11-22T02:23:38.123456Z".
std::string FormatRfc3339(absl::Time t);

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_PROTO_TIME_H_
