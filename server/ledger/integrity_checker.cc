#include "server/ledger/integrity_checker.h"

#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "crypto/checkpoint.h"
#include "crypto/dsse.h"
#include "crypto/ed25519.h"
#include "crypto/formats.h"
#include "crypto/merkle_hash.h"
#include "server/ledger/key_policy.h"
#include "server/ledger/log_index_checkers.h"
#include "server/ledger/tree_checker.h"
#include "storage/schema.h"

namespace lineage {
namespace {

std::string IndexName(uint64_t index) { return absl::StrCat("index ", index); }

IntegrityFinding At(absl::string_view column, uint64_t index, std::string problem,
                    std::string expected = "", std::string got = "") {
  return {std::string(column), IndexName(index), index, std::move(problem), std::move(expected),
          std::move(got)};
}

}  // namespace

// Reads and verifies one entry at a time, replaying the key registry so each
// producer signature is checked under the key as the log defined it then.
class IntegrityChecker::Replay {
 public:
  Replay(const LogStore& store, FindingSink& findings,
         std::vector<DerivedIndexChecker*> checkers, int verify_threads)
      : store_(store),
        findings_(findings),
        checkers_(std::move(checkers)),
        verify_threads_(std::max(1, verify_threads)) {}

  // Verifies the producer signatures collected so far, on verify_threads
  // threads (Ed25519 verification is most of the check's CPU), and reports
  // the ones that fail in index order.
  void FlushSignatures() {
    const size_t n = pending_.size();
    std::vector<char> ok(n, 0);
    auto verify = [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        const PendingSignature& p = pending_[i];
        ok[i] = p.key.Verify(p.message, p.signature).ok();
      }
    };
    const size_t threads = std::min<size_t>(verify_threads_, (n + 255) / 256);
    if (threads <= 1) {
      verify(0, n);
    } else {
      std::vector<std::thread> workers;
      const size_t chunk = (n + threads - 1) / threads;
      for (size_t begin = 0; begin < n; begin += chunk) {
        workers.emplace_back(verify, begin, std::min(n, begin + chunk));
      }
      for (std::thread& t : workers) t.join();
    }
    for (size_t i = 0; i < n; ++i) {
      if (ok[i]) {
        ++signatures_verified_;
        continue;
      }
      findings_.Add(At("entries", pending_[i].index, "the producer signature does not verify",
                       absl::StrCat("a valid Ed25519 signature by ", pending_[i].key_id),
                       absl::BytesToHexString(pending_[i].signature)));
    }
    pending_.clear();
  }

  uint64_t signatures_verified() const { return signatures_verified_; }

  void Entry(uint64_t index) {
    CheckedEntry entry;
    entry.index = index;
    std::string leaf_bytes;
    Leaf leaf;
    absl::StatusOr<std::string> stored_leaf = store_.ReadLeaf(index);
    if (!stored_leaf.ok()) {
      findings_.Add(At("leaves", index,
                       absl::IsNotFound(stored_leaf.status())
                           ? "the leaf is missing"
                           : std::string(stored_leaf.status().message()),
                       "a 58-byte leaf"));
    } else {
      leaf_bytes = *std::move(stored_leaf);
      entry.leaf_bytes = leaf_bytes;
      entry.leaf_hash = HashLeaf(leaf_bytes);
      absl::StatusOr<Leaf> decoded = DecodeLeaf(leaf_bytes);
      if (!decoded.ok()) {
        findings_.Add(At("leaves", index,
                         absl::StrCat("the leaf is malformed: ", decoded.status().message()),
                         "a v1 leaf", absl::BytesToHexString(leaf_bytes)));
      } else {
        leaf = *decoded;
        entry.leaf = &leaf;
        if (leaf.integrated_time_micros < last_time_micros_) {
          findings_.Add(At("leaves", index, "integration time goes back in time",
                           absl::StrCat(">= ", last_time_micros_, " us"),
                           absl::StrCat(leaf.integrated_time_micros, " us")));
        }
        last_time_micros_ = std::max(last_time_micros_, leaf.integrated_time_micros);
      }
    }

    EnvelopeRecord record;
    v1::LineageEvent event;
    v1::KeyChange key_change;
    absl::StatusOr<StoredEntry> stored = store_.ReadEntry(index);
    if (!stored.ok()) {
      findings_.Add(At("entries", index,
                       absl::IsNotFound(stored.status())
                           ? "the salt and envelope record are missing"
                           : std::string(stored.status().message()),
                       "salt and record"));
    } else if (entry.leaf != nullptr) {
      const Hash commitment = CommitToRecord(stored->salt, stored->record);
      absl::StatusOr<EnvelopeRecord> decoded = DecodeEnvelopeRecord(stored->record);
      if (commitment != leaf.commitment) {
        findings_.Add(At("entries", index,
                         "the leaf does not commit to the stored salt and record (one of the "
                         "two was changed)",
                         HashToHex(leaf.commitment), HashToHex(commitment)));
      } else if (!decoded.ok()) {
        findings_.Add(At("entries", index,
                         absl::StrCat("the record is malformed: ", decoded.status().message())));
      } else if (decoded->kind != leaf.kind || decoded->key_id != leaf.key_id) {
        findings_.Add(At("entries", index, "the record's kind or key ID differs from its leaf",
                         absl::StrCat("kind ", static_cast<int>(leaf.kind), " key ",
                                      leaf.key_id.ToHex()),
                         absl::StrCat("kind ", static_cast<int>(decoded->kind), " key ",
                                      decoded->key_id.ToHex())));
      } else {
        record = *std::move(decoded);
        entry.record = &record;
        if (record.kind == EntryKind::kLineageEvent) {
          if (CheckEvent(index, leaf, record, event)) entry.event = &event;
        } else if (ApplyKeyChange(index, record, key_change)) {
          entry.key_change = &key_change;
        }
      }
    }
    for (DerivedIndexChecker* checker : checkers_) checker->OnEntry(entry, findings_);
  }

 private:
  struct KnownKey {
    v1::ProducerKey record;
    std::optional<Ed25519PublicKey> public_key;
  };
  struct PendingSignature {
    uint64_t index;
    Ed25519PublicKey key;
    std::string message;  // PAE(payload_type, payload)
    std::string signature;
    std::string key_id;
  };

  // Verifies a lineage event's signature and key; true if its payload parses.
  bool CheckEvent(uint64_t index, const Leaf& leaf, const EnvelopeRecord& record,
                  v1::LineageEvent& event) {
    if (record.payload_type != kLineageEventPayloadType) {
      findings_.Add(At("entries", index, "wrong payload type for a lineage event",
                       std::string(kLineageEventPayloadType), record.payload_type));
    }
    auto key = keys_.find(std::string(record.key_id.AsBytes()));
    if (key == keys_.end()) {
      findings_.Add(At("entries", index,
                       "the event is signed by a key no earlier log entry registered", "",
                       record.key_id.ToHex()));
    } else {
      absl::Status usable = CheckKeyUsable(
          key->second.record,
          absl::FromUnixMicros(static_cast<int64_t>(leaf.integrated_time_micros)));
      if (!usable.ok()) {
        findings_.Add(At("entries", index,
                         absl::StrCat("the log admitted an event whose key was not usable at "
                                      "its integration time: ",
                                      usable.message())));
      }
      if (!key->second.public_key.has_value()) {
        findings_.Add(At("entries", index, "the producer signature does not verify",
                         absl::StrCat("a valid Ed25519 signature by ", record.key_id.ToHex()),
                         absl::BytesToHexString(record.signature)));
      } else {
        pending_.push_back({index, *key->second.public_key,
                            PreAuthEncode(record.payload_type, record.payload), record.signature,
                            record.key_id.ToHex()});
        if (pending_.size() >= 4096) FlushSignatures();
      }
    }
    if (!event.ParseFromString(record.payload)) {
      findings_.Add(At("entries", index, "the payload is not a valid LineageEvent"));
      return false;
    }
    return true;
  }

  // Replays a key registry entry; true if it parses.
  bool ApplyKeyChange(uint64_t index, const EnvelopeRecord& record, v1::KeyChange& change) {
    if (record.payload_type != kKeyChangePayloadType || !change.ParseFromString(record.payload)) {
      findings_.Add(At("entries", index, "the key registry entry is not a valid KeyChange"));
      return false;
    }
    const v1::ProducerKey& key = change.key();
    if (key.key_id() != record.key_id.ToHex()) {
      findings_.Add(At("entries", index, "the KeyChange names another key than its leaf",
                       record.key_id.ToHex(), key.key_id()));
      return false;
    }
    const std::string id(record.key_id.AsBytes());
    const bool known = keys_.count(id) > 0;
    if (record.kind == EntryKind::kKeyRegistered &&
        (known || key.registered_log_index() != index)) {
      findings_.Add(At("entries", index,
                       known ? "the key is registered a second time"
                             : "registered_log_index differs from the entry's index",
                       IndexName(index), IndexName(key.registered_log_index())));
    }
    if (record.kind == EntryKind::kKeyRevoked && (!known || key.revoked_log_index() != index)) {
      findings_.Add(At("entries", index,
                       !known ? "revokes a key no earlier entry registered"
                              : "revoked_log_index differs from the entry's index",
                       IndexName(index), IndexName(key.revoked_log_index())));
    }
    KnownKey& entry = keys_[id];
    entry.record = key;
    absl::StatusOr<Ed25519PublicKey> public_key = Ed25519PublicKey::FromRaw(key.public_key());
    if (public_key.ok() && KeyId::Of(*public_key) == record.key_id) {
      entry.public_key = *std::move(public_key);
    } else {
      entry.public_key.reset();
      findings_.Add(At("entries", index, "the registered public key does not match its key ID",
                       record.key_id.ToHex(), absl::BytesToHexString(key.public_key())));
    }
    return true;
  }

  const LogStore& store_;
  FindingSink& findings_;
  std::vector<DerivedIndexChecker*> checkers_;
  const int verify_threads_;
  std::map<std::string, KnownKey> keys_;
  std::vector<PendingSignature> pending_;
  uint64_t last_time_micros_ = 0;
  uint64_t signatures_verified_ = 0;
};

IntegrityChecker::IntegrityChecker(const LogStore& store, const NoteVerifier& log_verifier,
                                   Options options)
    : store_(store), verifier_(log_verifier), options_(std::move(options)) {}

void IntegrityChecker::AddChecker(std::unique_ptr<DerivedIndexChecker> checker) {
  extra_.push_back(std::move(checker));
}

absl::StatusOr<IntegrityReport> IntegrityChecker::Run() {
  FindingSink findings(options_.max_findings);
  IntegrityReport report;
  const Database& db = store_.database();

  for (const Database::DamagedFile& f : db.CheckFiles()) {
    findings.Add({"files", f.file, std::nullopt,
                  absl::StrCat("SST file of column family \"", f.column, "\" (keys ",
                               absl::BytesToHexString(f.smallest_key), " .. ",
                               absl::BytesToHexString(f.largest_key), ") is damaged: ", f.problem),
                  "", ""});
  }
  absl::StatusOr<std::string> format = db.Get(Column::kMeta, schema::kFormatKey);
  if (!format.ok() || *format != schema::kFormatValue) {
    findings.Add({"default", std::string(schema::kFormatKey), std::nullopt,
                  "format marker missing or unknown", std::string(schema::kFormatValue),
                  format.ok() ? *format : std::string(format.status().message())});
  }

  // The size to replay: the tree head's, or (if it is unreadable) the leaves'.
  absl::StatusOr<TreeHead> head = store_.ReadTreeHead();
  uint64_t size = 0;
  if (head.ok()) {
    size = head->size;
  } else {
    findings.Add({"default", std::string(schema::kTreeHeadKey), std::nullopt,
                  std::string(head.status().message()), "size (8) || root (32)", ""});
    absl::StatusOr<std::pair<std::string, std::string>> last = db.Last(Column::kLeaves, "");
    if (last.ok() && last->first.size() == 8) size = ReadBigEndian<uint64_t>(last->first.data()) + 1;
  }

  std::vector<std::pair<std::string, std::string>> notes = options_.checkpoints;
  absl::StatusOr<std::string> stored_note = store_.ReadLatestCheckpoint();
  if (stored_note.ok()) {
    notes.insert(notes.begin(), {"meta/checkpoint", *stored_note});
  } else if (!absl::IsNotFound(stored_note.status())) {
    findings.Add({"default", std::string(schema::kCheckpointKey), std::nullopt,
                  std::string(stored_note.status().message()), "", ""});
  }
  std::vector<TrustedCheckpoint> trusted;
  for (const auto& [source, note] : notes) {
    absl::StatusOr<Checkpoint> checkpoint = OpenCheckpoint(note, verifier_);
    if (!checkpoint.ok()) {
      findings.Add({"checkpoint", source, std::nullopt,
                    absl::StrCat("does not verify under the log key ", verifier_.name(), ": ",
                                 checkpoint.status().message()),
                    "", ""});
      continue;
    }
    trusted.push_back({source, *std::move(checkpoint)});
  }
  report.checkpoints_matched = trusted.size();

  TreeChecker tree(store_, head.ok() ? &*head : nullptr, std::move(trusted));
  std::vector<std::unique_ptr<DerivedIndexChecker>> defaults = DefaultDerivedIndexCheckers(store_);
  std::vector<DerivedIndexChecker*> checkers = {&tree};
  for (auto& c : defaults) checkers.push_back(c.get());
  for (const DerivedIndexCheckerFactory& make : options_.derived_index_checkers) {
    defaults.push_back(make(store_));
    checkers.push_back(defaults.back().get());
  }
  for (auto& c : extra_) checkers.push_back(c.get());

  const int threads = options_.verify_threads > 0
                          ? options_.verify_threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Replay replay(store_, findings, checkers, threads);
  for (uint64_t i = 0; i < size; ++i) {
    replay.Entry(i);
    if ((i + 1) % 1024 == 0 && options_.progress && !options_.progress(i + 1, size)) {
      replay.FlushSignatures();
      report.tree_size = i + 1;
      report.signatures_verified = replay.signatures_verified();
      report.finding_count = findings.count();
      report.findings = findings.TakeKept();
      return report;  // Cancelled: complete stays false.
    }
  }

  replay.FlushSignatures();

  // Leaves and entries no committed append explains.
  for (Column column : {Column::kLeaves, Column::kEntries}) {
    absl::Status scanned = db.Scan(column, "", schema::IndexKey(size),
                                   [&](absl::string_view key, absl::string_view) {
                                     const uint64_t index =
                                         key.size() == 8 ? ReadBigEndian<uint64_t>(key.data()) : 0;
                                     findings.Add(At(ColumnName(column), index,
                                                     absl::StrCat("beyond the tree head (size ",
                                                                  size, ")"),
                                                     "", "a stored record"));
                                     return true;
                                   });
    if (!scanned.ok()) {
      findings.Add({std::string(ColumnName(column)), "(scan)", std::nullopt,
                    std::string(scanned.message()), "", ""});
    }
  }
  for (DerivedIndexChecker* checker : checkers) checker->Finish(size, findings);

  report.tree_size = size;
  report.signatures_verified = replay.signatures_verified();
  report.nodes_checked = tree.nodes_checked();
  report.complete = true;
  report.finding_count = findings.count();
  report.findings = findings.TakeKept();
  return report;
}

absl::StatusOr<IntegrityReport> VerifyDatabase(const std::string& db_dir,
                                               const NoteVerifier& log_verifier,
                                               IntegrityChecker::Options options) {
  if (!std::filesystem::is_directory(db_dir)) {
    return absl::NotFoundError(absl::StrCat("no data directory at ", db_dir));
  }
  absl::StatusOr<std::unique_ptr<Database>> db =
      Database::Open({.path = db_dir, .block_cache_bytes = 32 << 20, .read_only = true});
  if (!db.ok()) {
    if (!absl::IsDataLoss(db.status()) && !absl::IsUnavailable(db.status())) return db.status();
    // RocksDB refused to open it: a damaged, truncated or missing file.
    IntegrityReport report;
    report.complete = true;
    report.finding_count = 1;
    report.findings.push_back({"files", db_dir, std::nullopt,
                               absl::StrCat("RocksDB cannot open the data: ", db.status().message()),
                               "", ""});
    return report;
  }
  LogStore store(**db);
  IntegrityChecker checker(store, log_verifier, std::move(options));
  return checker.Run();
}

}  // namespace lineage
