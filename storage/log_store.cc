#include "storage/log_store.h"

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "common/status_macros.h"
#include "crypto/formats.h"
#include "crypto/merkle_hash.h"
#include "storage/schema.h"

namespace lineage {

absl::Status LogStore::CheckOrInitFormat() {
  absl::StatusOr<std::string> format = db_.Get(Column::kMeta, schema::kFormatKey);
  if (format.ok()) {
    if (*format != schema::kFormatValue) {
      return absl::FailedPreconditionError(
          absl::StrCat("data directory ", db_.path(), " holds format \"", *format,
                       "\", this server reads \"", schema::kFormatValue, "\""));
    }
    return absl::OkStatus();
  }
  if (!absl::IsNotFound(format.status())) return format.status();
  WriteBatch batch(db_);
  batch.Put(Column::kMeta, schema::kFormatKey, schema::kFormatValue);
  return db_.Write(batch, /*sync=*/true);
}

absl::StatusOr<TreeHead> LogStore::ReadTreeHead() const {
  absl::StatusOr<std::string> value = db_.Get(Column::kMeta, schema::kTreeHeadKey);
  if (absl::IsNotFound(value.status())) return TreeHead{0, EmptyTreeRoot()};
  if (!value.ok()) return value.status();
  if (value->size() != 8 + kHashSize) {
    return absl::DataLossError(
        absl::StrCat("meta/tree_head: got ", value->size(), " bytes, want 40"));
  }
  TreeHead head;
  head.size = ReadBigEndian<uint64_t>(value->data());
  std::copy(value->begin() + 8, value->end(), head.root.begin());
  return head;
}

absl::StatusOr<std::string> LogStore::ReadLatestCheckpoint() const {
  return db_.Get(Column::kMeta, schema::kCheckpointKey);
}

absl::StatusOr<Hash> LogStore::ReadNode(int level, uint64_t index) const {
  absl::StatusOr<std::string> value = db_.Get(Column::kNodes, schema::NodeKey(level, index));
  if (absl::IsNotFound(value.status())) {
    return absl::DataLossError(
        absl::StrCat("tree node (level ", level, ", index ", index, ") is missing"));
  }
  if (!value.ok()) return value.status();
  if (value->size() != kHashSize) {
    return absl::DataLossError(absl::StrCat("tree node (level ", level, ", index ", index,
                                            "): got ", value->size(), " bytes, want 32"));
  }
  return HashFromBytes(*value);
}

absl::StatusOr<std::string> LogStore::ReadLeaf(uint64_t index) const {
  return db_.Get(Column::kLeaves, schema::IndexKey(index));
}

absl::StatusOr<StoredEntry> LogStore::ReadEntry(uint64_t index) const {
  ASSIGN_OR_RETURN(std::string value, db_.Get(Column::kEntries, schema::IndexKey(index)));
  if (value.size() < kCommitmentSaltSize) {
    return absl::DataLossError(absl::StrCat("entry ", index, ": got ", value.size(),
                                            " bytes, shorter than its salt"));
  }
  StoredEntry entry;
  entry.salt = value.substr(0, kCommitmentSaltSize);
  entry.record = value.substr(kCommitmentSaltSize);
  return entry;
}

absl::StatusOr<uint64_t> LogStore::FindLeafIndex(const Hash& leaf_hash) const {
  ASSIGN_OR_RETURN(std::string value, db_.Get(Column::kLeafIndex, HashBytes(leaf_hash)));
  if (value.size() != 8) return absl::DataLossError("leaf_index value is not 8 bytes");
  return ReadBigEndian<uint64_t>(value.data());
}

absl::StatusOr<EventIdRecord> LogStore::FindEventId(absl::string_view ns,
                                                    absl::string_view event_id) const {
  ASSIGN_OR_RETURN(std::string value,
                   db_.Get(Column::kEventIds, schema::EventIdKey(ns, event_id)));
  if (value.size() != 8 + kHashSize) return absl::DataLossError("event_ids value is not 40 bytes");
  EventIdRecord record;
  record.index = ReadBigEndian<uint64_t>(value.data());
  std::copy(value.begin() + 8, value.end(), record.payload_digest.begin());
  return record;
}

absl::StatusOr<std::string> LogStore::ReadKey(const KeyId& key_id) const {
  return db_.Get(Column::kKeys, key_id.AsBytes());
}

absl::Status LogStore::ScanKeys(
    absl::FunctionRef<void(const KeyId& key_id, absl::string_view bytes)> visit) const {
  absl::Status bad_key = absl::OkStatus();
  RETURN_IF_ERROR(db_.Scan(Column::kKeys, "", "", [&](absl::string_view key,
                                                        absl::string_view value) {
    absl::StatusOr<KeyId> id = KeyId::FromBytes(key);
    if (!id.ok()) {
      bad_key = absl::DataLossError("keys column holds a key that is not 16 bytes");
      return false;
    }
    visit(*id, value);
    return true;
  }));
  return bad_key;
}

void LogStore::PutLeaf(WriteBatch& batch, uint64_t index, absl::string_view leaf) const {
  batch.PutBlind(Column::kLeaves, schema::IndexKey(index), leaf);
}

void LogStore::PutNode(WriteBatch& batch, int level, uint64_t index, const Hash& hash) const {
  batch.PutBlind(Column::kNodes, schema::NodeKey(level, index), HashBytes(hash));
}

void LogStore::PutEntry(WriteBatch& batch, uint64_t index, absl::string_view salt,
                        absl::string_view record) const {
  std::string value;
  value.reserve(salt.size() + record.size());
  value.append(salt.data(), salt.size());
  value.append(record.data(), record.size());
  batch.PutBlind(Column::kEntries, schema::IndexKey(index), value);
}

void LogStore::PutEventId(WriteBatch& batch, absl::string_view ns, absl::string_view event_id,
                          const EventIdRecord& record) const {
  std::string value = BigEndian64(record.index);
  value.append(reinterpret_cast<const char*>(record.payload_digest.data()), kHashSize);
  batch.PutBlind(Column::kEventIds, schema::EventIdKey(ns, event_id), value);
}

void LogStore::PutLeafIndex(WriteBatch& batch, const Hash& leaf_hash, uint64_t index) const {
  batch.PutBlind(Column::kLeafIndex, HashBytes(leaf_hash), BigEndian64(index));
}

void LogStore::PutTreeHead(WriteBatch& batch, const TreeHead& head) const {
  std::string value = BigEndian64(head.size);
  value.append(reinterpret_cast<const char*>(head.root.data()), kHashSize);
  batch.Put(Column::kMeta, schema::kTreeHeadKey, value);
}

void LogStore::PutCheckpoint(WriteBatch& batch, absl::string_view note) const {
  batch.Put(Column::kMeta, schema::kCheckpointKey, note);
}

void LogStore::PutKey(WriteBatch& batch, const KeyId& key_id, absl::string_view bytes) const {
  batch.Put(Column::kKeys, key_id.AsBytes(), bytes);
}

}  // namespace lineage
