#include "storage/audit_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/big_endian.h"
#include "common/status_macros.h"

namespace lineage {
namespace {

constexpr absl::string_view kNextSequenceKey = "audit_next_sequence";
constexpr absl::string_view kPendingIndexKey = "audit_index_pending";
constexpr absl::string_view kOpenRecordsKey = "audit_open";

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

// Node index entries cover 256 consecutive node IDs each (a bucket): one
// key per record and bucket, its value a bitmap of the IDs named. Nodes of
// one answer cluster in ID (a pipeline's nodes are created together), so a
// record of 1,000 nodes is typically 30-150 keys rather than 1,000.
constexpr int kBucketBits = 8;
constexpr size_t kBitmapBytes = (size_t{1} << kBucketBits) / 8;

std::string BucketPrefix(uint64_t node) {
  std::string key = "b";
  AppendBigEndian<uint64_t>(key, node >> kBucketBits);
  return key;
}

bool BitmapHas(absl::string_view bitmap, uint64_t node) {
  const uint64_t bit = node & ((uint64_t{1} << kBucketBits) - 1);
  return bitmap.size() == kBitmapBytes && (static_cast<uint8_t>(bitmap[bit / 8]) >> (bit % 8) & 1);
}

void BitmapSet(std::string& bitmap, uint64_t node) {
  const uint64_t bit = node & ((uint64_t{1} << kBucketBits) - 1);
  bitmap[bit / 8] = static_cast<char>(static_cast<uint8_t>(bitmap[bit / 8]) | (1u << (bit % 8)));
}

// Format 1's node index, one empty-valued key per node: 'n' ‖ node (8) ‖
// record key (16). Converted at start (MigrateLegacyNodeIndex).
constexpr absl::string_view kLegacyNodePrefix = "n";

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
  std::vector<uint64_t> sorted(node_ids.begin(), node_ids.end());
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size();) {
    const uint64_t bucket = sorted[i] >> kBucketBits;
    std::string bitmap(kBitmapBytes, '\0');
    for (; i < sorted.size() && sorted[i] >> kBucketBits == bucket; ++i) BitmapSet(bitmap, sorted[i]);
    batch.PutBlind(Column::kAuditIndex, BucketPrefix(bucket << kBucketBits) + std::string(record_key),
                   bitmap);
  }
}

absl::StatusOr<uint64_t> AuditStore::MigrateLegacyNodeIndex() const {
  uint64_t migrated = 0;
  while (true) {
    // A slice of format-1 entries, merged into format-2 bitmaps (ORed with
    // any already there, so a migration a crash cut short just resumes).
    std::map<std::string, std::string> bitmaps;  // Format-2 key -> bitmap.
    std::vector<std::string> legacy;
    constexpr size_t kSlice = 100000;
    absl::Status bad = absl::OkStatus();
    RETURN_IF_ERROR(db_.Scan(Column::kAuditIndex, kLegacyNodePrefix, kLegacyNodePrefix,
                             [&](absl::string_view k, absl::string_view) {
                               if (k.size() != 1 + 8 + 16) {
                                 bad = absl::DataLossError(absl::StrCat(
                                     "audit_index: a format-1 node entry of ", k.size(),
                                     " bytes, want 25"));
                                 return false;
                               }
                               const uint64_t node = ReadBigEndian<uint64_t>(k.data() + 1);
                               std::string key = BucketPrefix(node);
                               key.append(k.data() + 9, 16);
                               auto [it, inserted] = bitmaps.try_emplace(key);
                               if (inserted) it->second.assign(kBitmapBytes, '\0');
                               BitmapSet(it->second, node);
                               legacy.emplace_back(k);
                               return legacy.size() < kSlice;
                             }));
    RETURN_IF_ERROR(bad);
    if (legacy.empty()) return migrated;
    WriteBatch batch(db_);
    for (auto& [key, bitmap] : bitmaps) {
      absl::StatusOr<std::string> existing = db_.Get(Column::kAuditIndex, key);
      if (existing.ok() && existing->size() == kBitmapBytes) {
        for (size_t i = 0; i < kBitmapBytes; ++i) bitmap[i] |= (*existing)[i];
      } else if (!existing.ok() && !absl::IsNotFound(existing.status())) {
        return existing.status();
      }
      batch.Put(Column::kAuditIndex, key, bitmap);
    }
    for (const std::string& key : legacy) batch.Delete(Column::kAuditIndex, key);
    RETURN_IF_ERROR(db_.Write(batch, /*sync=*/true));
    migrated += legacy.size();
  }
}

namespace {

// A meta value that lists record keys (16 bytes each, concatenated).
absl::StatusOr<std::vector<std::string>> ReadKeyList(const Database& db, absl::string_view name) {
  absl::StatusOr<std::string> value = db.Get(Column::kMeta, name);
  if (absl::IsNotFound(value.status())) return std::vector<std::string>();
  if (!value.ok()) return value.status();
  if (value->size() % 16 != 0) {
    return absl::DataLossError(
        absl::StrCat("meta/", name, " is ", value->size(), " bytes, not a multiple of 16"));
  }
  std::vector<std::string> keys;
  for (size_t i = 0; i < value->size(); i += 16) keys.push_back(value->substr(i, 16));
  return keys;
}

void PutKeyList(WriteBatch& batch, absl::string_view name, const std::vector<std::string>& keys) {
  if (keys.empty()) {
    batch.Delete(Column::kMeta, name);
  } else {
    batch.PutBlind(Column::kMeta, name, absl::StrJoin(keys, ""));
  }
}

}  // namespace

void AuditStore::PutPendingIndex(WriteBatch& batch,
                                 const std::vector<std::string>& record_keys) const {
  PutKeyList(batch, kPendingIndexKey, record_keys);
}

void AuditStore::ClearPendingIndex(WriteBatch& batch) const {
  batch.Delete(Column::kMeta, kPendingIndexKey);
}

absl::StatusOr<std::vector<std::string>> AuditStore::ReadPendingIndex() const {
  return ReadKeyList(db_, kPendingIndexKey);
}

void AuditStore::PutOpenRecords(WriteBatch& batch,
                                const std::vector<std::string>& record_keys) const {
  PutKeyList(batch, kOpenRecordsKey, record_keys);
}

absl::StatusOr<std::vector<std::string>> AuditStore::ReadOpenRecords() const {
  return ReadKeyList(db_, kOpenRecordsKey);
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
  const std::string prefix = node_id != 0 ? BucketPrefix(node_id) : PrincipalPrefix(principal);
  absl::Status status = absl::OkStatus();
  RETURN_IF_ERROR(db_.Scan(Column::kAuditIndex, prefix, prefix + start,
                           [&](absl::string_view k, absl::string_view bitmap) {
                             absl::string_view time_key = k.substr(prefix.size());
                             if (time_key.size() != 16 || !in_range(time_key)) return false;
                             // Another node of the bucket.
                             if (node_id != 0 && !BitmapHas(bitmap, node_id)) return true;
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
