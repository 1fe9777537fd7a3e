#include "server/ledger/log_index_checkers.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "crypto/envelope_record.h"
#include "crypto/formats.h"
#include "crypto/key_id.h"
#include "crypto/leaf.h"
#include "crypto/merkle_hash.h"
#include "storage/schema.h"

namespace lineage {
namespace {

std::string IndexName(uint64_t index) { return absl::StrCat("index ", index); }

// Counts the rows of `column`. A scan error becomes a finding and -1.
// A scan of `column` that could not be completed is damage too: what it
// did not read was not checked.
void ReportScanError(const absl::Status& s, Column column, FindingSink& findings) {
  if (s.ok()) return;
  findings.Add({std::string(ColumnName(column)), "(scan)", std::nullopt,
                std::string(s.message()), "", ""});
}

int64_t CountRows(const Database& db, Column column, FindingSink& findings) {
  int64_t rows = 0;
  absl::Status s = db.Scan(column, "", "", [&](absl::string_view, absl::string_view) {
    ++rows;
    return true;
  });
  ReportScanError(s, column, findings);
  return s.ok() ? rows : -1;
}

}  // namespace

void EventIdsChecker::OnEntry(const CheckedEntry& entry, FindingSink& findings) {
  if (entry.event == nullptr) return;
  const std::string key = schema::EventIdKey(entry.event->namespace_(), entry.event->event_id());
  const Hash digest = Sha256(entry.record->payload);
  const std::string want = absl::StrCat(IndexName(entry.index), " sha256 ", HashToHex(digest));
  absl::StatusOr<EventIdRecord> stored =
      store_.FindEventId(entry.event->namespace_(), entry.event->event_id());
  if (!stored.ok()) {
    findings.Add({"event_ids", key, entry.index,
                  absl::IsNotFound(stored.status()) ? "the event's row is missing"
                                                    : std::string(stored.status().message()),
                  want, ""});
    return;
  }
  if (stored->index != entry.index) {
    findings.Add({"event_ids", key, entry.index,
                  absl::StrCat("the event's row points at another index: (namespace, event_id) "
                               "was appended at both indexes, or the row is damaged"),
                  IndexName(entry.index), IndexName(stored->index)});
    return;
  }
  ++rows_found_;
  if (stored->payload_digest != digest) {
    findings.Add({"event_ids", key, entry.index, "payload digest differs from the stored event",
                  HashToHex(digest), HashToHex(stored->payload_digest)});
  }
}

void EventIdsChecker::Finish(uint64_t tree_size, FindingSink& findings) {
  const int64_t rows = CountRows(store_.database(), Column::kEventIds, findings);
  if (rows < 0 || static_cast<uint64_t>(rows) == rows_found_) return;
  // Some rows are not explained by their entry: find them, reading the entry
  // each row points at.
  const absl::Status scanned = store_.database().Scan(
      Column::kEventIds, "", "", [&](absl::string_view key, absl::string_view value) {
        if (value.size() != 8 + kHashSize) {
          findings.Add({"event_ids", std::string(key), std::nullopt, "malformed row",
                        "40 bytes", absl::StrCat(value.size(), " bytes")});
          return true;
        }
        const uint64_t index = ReadBigEndian<uint64_t>(value.data());
        if (index >= tree_size) {
          findings.Add({"event_ids", std::string(key), index,
                        absl::StrCat("row points beyond the tree of size ", tree_size), "",
                        IndexName(index)});
          return true;
        }
        absl::StatusOr<StoredEntry> entry = store_.ReadEntry(index);
        absl::StatusOr<std::string> leaf_bytes = store_.ReadLeaf(index);
        if (!entry.ok() || !leaf_bytes.ok()) return true;  // Reported by the replay.
        absl::StatusOr<Leaf> leaf = DecodeLeaf(*leaf_bytes);
        if (!leaf.ok() || leaf->commitment != CommitToRecord(entry->salt, entry->record)) {
          return true;  // A damaged entry, reported by the replay.
        }
        absl::StatusOr<EnvelopeRecord> record = DecodeEnvelopeRecord(entry->record);
        v1::LineageEvent event;
        if (!record.ok() || record->kind != EntryKind::kLineageEvent ||
            !event.ParseFromString(record->payload) ||
            schema::EventIdKey(event.namespace_(), event.event_id()) != key) {
          findings.Add({"event_ids", std::string(key), index,
                        "row points at an entry that is not this event", "",
                        IndexName(index)});
        }
        return true;
      });
  ReportScanError(scanned, Column::kEventIds, findings);
}

void LeafIndexChecker::OnEntry(const CheckedEntry& entry, FindingSink& findings) {
  if (entry.leaf_bytes.empty()) return;
  absl::StatusOr<uint64_t> stored = store_.FindLeafIndex(entry.leaf_hash);
  if (!stored.ok()) {
    findings.Add({"leaf_index", HashToHex(entry.leaf_hash), entry.index,
                  absl::IsNotFound(stored.status()) ? "the leaf's row is missing"
                                                    : std::string(stored.status().message()),
                  IndexName(entry.index), ""});
  } else if (*stored != entry.index) {
    findings.Add({"leaf_index", HashToHex(entry.leaf_hash), entry.index,
                  "the leaf hash's row points at another index", IndexName(entry.index),
                  IndexName(*stored)});
  } else {
    ++rows_found_;
  }
}

void LeafIndexChecker::Finish(uint64_t tree_size, FindingSink& findings) {
  const int64_t rows = CountRows(store_.database(), Column::kLeafIndex, findings);
  if (rows < 0 || static_cast<uint64_t>(rows) == rows_found_) return;
  const absl::Status scanned = store_.database().Scan(
      Column::kLeafIndex, "", "", [&](absl::string_view key, absl::string_view value) {
        const std::string name = absl::BytesToHexString(key);
        if (value.size() != 8) {
          findings.Add({"leaf_index", name, std::nullopt, "malformed row", "8 bytes",
                        absl::StrCat(value.size(), " bytes")});
          return true;
        }
        const uint64_t index = ReadBigEndian<uint64_t>(value.data());
        absl::StatusOr<std::string> leaf =
            index < tree_size ? store_.ReadLeaf(index) : absl::NotFoundError("");
        if (!leaf.ok() || HashBytes(HashLeaf(*leaf)) != key) {
          findings.Add({"leaf_index", name, index, "a row that no leaf in the log explains", "",
                        IndexName(index)});
        }
        return true;
      });
  ReportScanError(scanned, Column::kLeafIndex, findings);
}

void KeysChecker::OnEntry(const CheckedEntry& entry, FindingSink& findings) {
  if (entry.key_change == nullptr) return;
  absl::StatusOr<KeyId> id = KeyId::FromHex(entry.key_change->key().key_id());
  if (!id.ok()) return;  // Reported by the replay.
  replayed_[std::string(id->AsBytes())] = entry.key_change->key().SerializeAsString();
}

void KeysChecker::Finish(uint64_t tree_size, FindingSink& findings) {
  std::map<std::string, std::string> unseen = replayed_;
  absl::Status s = store_.database().Scan(
      Column::kKeys, "", "", [&](absl::string_view key, absl::string_view value) {
        const std::string name = key.size() == kKeyIdSize
                                     ? absl::BytesToHexString(key)
                                     : absl::StrCat("(malformed) ", absl::BytesToHexString(key));
        auto it = unseen.find(std::string(key));
        if (it == unseen.end()) {
          findings.Add({"keys", name, std::nullopt,
                        "a producer key row that no key registration in the log explains", "",
                        "a stored key"});
          return true;
        }
        v1::ProducerKey stored;
        if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          findings.Add({"keys", name, std::nullopt, "the row is not a valid ProducerKey", "",
                        absl::StrCat(value.size(), " bytes")});
        } else if (stored.SerializeAsString() != it->second) {
          v1::ProducerKey want;
          want.ParseFromString(it->second);
          findings.Add({"keys", name, std::nullopt,
                        "the key row differs from the replay of its log entries",
                        want.ShortDebugString(), stored.ShortDebugString()});
        }
        unseen.erase(it);
        return true;
      });
  if (!s.ok()) {
    findings.Add({"keys", "(scan)", std::nullopt, std::string(s.message()), "", ""});
    return;
  }
  for (const auto& [id, bytes] : unseen) {
    findings.Add({"keys", absl::BytesToHexString(id), std::nullopt,
                  "a key registered in the log has no row", "a stored key", ""});
  }
}

std::vector<std::unique_ptr<DerivedIndexChecker>> DefaultDerivedIndexCheckers(
    const LogStore& store) {
  std::vector<std::unique_ptr<DerivedIndexChecker>> checkers;
  checkers.push_back(std::make_unique<EventIdsChecker>(store));
  checkers.push_back(std::make_unique<LeafIndexChecker>(store));
  checkers.push_back(std::make_unique<KeysChecker>(store));
  return checkers;
}

}  // namespace lineage
