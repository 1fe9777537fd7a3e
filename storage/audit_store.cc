#include "storage/audit_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/big_endian.h"
#include "common/status_macros.h"

namespace lineage {
namespace {

constexpr absl::string_view kNextSequenceKey = "audit_next_sequence";
constexpr absl::string_view kPendingIndexKey = "audit_index_pending";

std::string TimeKey(uint64_t time, uint64_t sequence) {
  std::string key = BigEndian64(time);
  AppendBigEndian<uint64_t>(key, sequence);
  return key;
}

std::string PrincipalPrefix(absl::string_view principal) {
  std::string key = "p";
  key.append(principal.data(), principal.size());
  key.push_back('\0');
  return key;
}

std::string NodePrefix(uint64_t node) {
  std::string key = "n";
  AppendBigEndian<uint64_t>(key, node);
  return key;
}

}  // namespace

absl::StatusOr<uint64_t> AuditStore::ReadNextSequence() const {
  absl::StatusOr<std::string> value = db_.Get(Column::kMeta, kNextSequenceKey);
  if (absl::IsNotFound(value.status())) return 0;
  if (!value.ok()) return value.status();
  if (value->size() != 8) return absl::DataLossError("meta/audit_next_sequence is not 8 bytes");
  return ReadBigEndian<uint64_t>(value->data());
}

void AuditStore::PutNextSequence(WriteBatch& batch, uint64_t next) const {
  batch.Put(Column::kMeta, kNextSequenceKey, BigEndian64(next));
}

std::string AuditStore::RecordKey(uint64_t time_micros, uint64_t sequence) {
  return TimeKey(time_micros, sequence);
}

void AuditStore::Put(WriteBatch& batch, absl::string_view record_key, absl::string_view principal,
                     absl::string_view record) const {
  batch.PutBlind(Column::kAudit, record_key, record);
  batch.PutBlind(Column::kAuditIndex, PrincipalPrefix(principal) + std::string(record_key), "");
}

void AuditStore::PutNodeIndex(WriteBatch& batch, absl::string_view record_key,
                              absl::Span<const uint64_t> node_ids) const {
  for (uint64_t node : node_ids) {
    batch.PutBlind(Column::kAuditIndex, NodePrefix(node) + std::string(record_key), "");
  }
}

void AuditStore::PutPendingIndex(WriteBatch& batch, const std::vector<std::string>& record_keys) const {
  batch.PutBlind(Column::kMeta, kPendingIndexKey, absl::StrJoin(record_keys, ""));
}

void AuditStore::ClearPendingIndex(WriteBatch& batch) const {
  batch.Delete(Column::kMeta, kPendingIndexKey);
}

absl::StatusOr<std::vector<std::string>> AuditStore::ReadPendingIndex() const {
  absl::StatusOr<std::string> value = db_.Get(Column::kMeta, kPendingIndexKey);
  if (absl::IsNotFound(value.status())) return std::vector<std::string>();
  if (!value.ok()) return value.status();
  if (value->size() % 16 != 0) {
    return absl::DataLossError(absl::StrCat("meta/audit_index_pending is ", value->size(),
                                            " bytes, not a multiple of 16"));
  }
  std::vector<std::string> keys;
  for (size_t i = 0; i < value->size(); i += 16) keys.push_back(value->substr(i, 16));
  return keys;
}

absl::StatusOr<std::string> AuditStore::ReadRecord(absl::string_view record_key) const {
  return db_.Get(Column::kAudit, record_key);
}

absl::Status AuditStore::Scan(
    uint64_t from_micros, uint64_t to_micros, absl::string_view principal, uint64_t node_id,
    absl::string_view after,
    absl::FunctionRef<bool(absl::string_view key, absl::string_view record)> visit) const {
  const std::string from = TimeKey(from_micros, 0);
  std::string start = after.empty() ? from : std::string(after) + std::string(1, '\0');
  if (start < from) start = from;
  auto in_range = [&](absl::string_view time_key) {
    return ReadBigEndian<uint64_t>(time_key.data()) < to_micros;
  };
  if (principal.empty() && node_id == 0) {
    return db_.Scan(Column::kAudit, "", start, [&](absl::string_view k, absl::string_view v) {
      if (k.size() != 16 || !in_range(k)) return false;
      return visit(k, v);
    });
  }
  // Walk an index; fetch each record (and check the other filter).
  const std::string prefix = node_id != 0 ? NodePrefix(node_id) : PrincipalPrefix(principal);
  absl::Status status = absl::OkStatus();
  RETURN_IF_ERROR(db_.Scan(Column::kAuditIndex, prefix, prefix + start,
                           [&](absl::string_view k, absl::string_view) {
                             absl::string_view time_key = k.substr(prefix.size());
                             if (time_key.size() != 16 || !in_range(time_key)) return false;
                             if (node_id != 0 && !principal.empty()) {
                               absl::StatusOr<std::string> ok = db_.Get(
                                   Column::kAuditIndex, PrincipalPrefix(principal) + std::string(time_key));
                               if (!ok.ok()) return true;  // Another principal's record.
                             }
                             absl::StatusOr<std::string> record = db_.Get(Column::kAudit, time_key);
                             if (!record.ok()) {
                               status = record.status();
                               return false;
                             }
                             return visit(time_key, *record);
                           }));
  return status;
}

}  // namespace lineage
