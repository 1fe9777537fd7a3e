#include "server/audit/audit_log.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/big_endian.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/ledger/proto_time.h"

namespace lineage {

AuditLog::AuditLog(Database& db, const Clock& clock) : store_(db), clock_(clock) {
  thread_ = std::thread([this] { Run(); });
}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void AuditLog::Record(v1::AccessRecord record, Done done) {
  absl::MutexLock lock(&mu_);
  queue_.push_back({Queued::Kind::kRecord, std::move(record), std::move(done), nullptr});
}

void AuditLog::Open(v1::AccessRecord record, OpenDone opened) {
  record.set_answer_pending(true);
  absl::MutexLock lock(&mu_);
  queue_.push_back({Queued::Kind::kOpen, std::move(record), nullptr, std::move(opened)});
}

void AuditLog::Complete(v1::AccessRecord answered, Done done) {
  answered.set_answer_pending(false);
  answered.clear_pending_request();
  absl::MutexLock lock(&mu_);
  queue_.push_back({Queued::Kind::kComplete, std::move(answered), std::move(done), nullptr});
}

absl::StatusOr<size_t> AuditLog::RecoverOpen(Recompute recompute) {
  std::vector<std::string> keys;
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&load_finished_));
    if (!load_status_.ok()) return load_status_;
    keys.swap(found_open_);
  }
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(const std::string bytes, store_.ReadRecord(key));
    v1::AccessRecord open;
    if (!open.ParseFromString(bytes)) {
      return absl::DataLossError("an access record named by meta/audit_open does not parse");
    }
    absl::StatusOr<v1::AccessRecord> recomputed = recompute(open);
    v1::AccessRecord answered = recomputed.ok() ? *std::move(recomputed) : open;
    if (!recomputed.ok()) {
      answered.set_status_code(static_cast<int32_t>(recomputed.status().code()));
      answered.set_status_message(absl::StrCat("recomputing the answer after a restart failed: ",
                                               recomputed.status().message()));
    }
    answered.set_sequence(open.sequence());
    *answered.mutable_time() = open.time();
    answered.set_answer_recomputed(true);
    absl::Notification written;
    absl::Status status;
    Complete(std::move(answered), [&](absl::Status s) {
      status = std::move(s);
      written.Notify();
    });
    written.WaitForNotification();
    RETURN_IF_ERROR(status);
  }
  if (!keys.empty()) {
    LOG_INFO("access log: recomputed the answers of ", keys.size(), " records a restart left open");
  }
  return keys.size();
}

absl::Status AuditLog::Load() {
  ASSIGN_OR_RETURN(next_sequence_, store_.ReadNextSequence());
  // Data directories from before the node index was bucketed.
  ASSIGN_OR_RETURN(const uint64_t migrated, store_.MigrateLegacyNodeIndex());
  if (migrated > 0) {
    LOG_INFO("access log: converted ", migrated, " node index entries to the bucketed format");
  }
  // Records whose node index entries a crash kept from being written (they
  // follow their records in a later, unsynced batch): write them now.
  ASSIGN_OR_RETURN(std::vector<std::string> pending, store_.ReadPendingIndex());
  if (!pending.empty()) {
    WriteBatch batch(store_.database());
    for (const std::string& key : pending) {
      absl::StatusOr<std::string> bytes = store_.ReadRecord(key);
      if (absl::IsNotFound(bytes.status())) continue;  // Its own batch was lost too.
      if (!bytes.ok()) return bytes.status();
      v1::AccessRecord record;
      if (!record.ParseFromString(*bytes)) {
        return absl::DataLossError("an access record named by meta/audit_index_pending does not parse");
      }
      store_.PutNodeIndex(batch, key, record.node_ids());
    }
    store_.ClearPendingIndex(batch);
    RETURN_IF_ERROR(store_.database().Write(batch, /*sync=*/true));
    LOG_INFO("access log: indexed the nodes of ", pending.size(),
             " records a restart interrupted");
  }
  // Records opened before their answer was known and never completed.
  ASSIGN_OR_RETURN(std::vector<std::string> open, store_.ReadOpenRecords());
  open_.clear();
  for (const std::string& key : open) {
    open_[ReadBigEndian<uint64_t>(key.data() + 8)] = key;
  }
  absl::MutexLock lock(&mu_);
  recorded_ = next_sequence_;
  indexed_ = IndexedBound();
  found_open_ = std::move(open);
  return absl::OkStatus();
}

uint64_t AuditLog::IndexedBound() const {
  return open_.empty() ? next_sequence_ : std::min(next_sequence_, open_.begin()->first);
}

void AuditLog::Run() {
  absl::Status loaded = Load();
  if (!loaded.ok()) {
    LOG_ERROR("access log: could not load its state (retried with the first record): ",
              loaded.ToString());
  } else {
    loaded_ = true;
  }
  {
    absl::MutexLock lock(&mu_);
    load_status_ = loaded;
    load_finished_ = true;
  }
  while (true) {
    std::deque<Queued> group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](AuditLog* a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(a->mu_) {
            return a->stopping_ || !a->queue_.empty();
          },
          this));
      if (queue_.empty()) return;
      group.swap(queue_);
    }
    absl::Status status = absl::OkStatus();
    if (!loaded_) {
      status = Load();
      loaded_ = status.ok();
      if (loaded_) {
        absl::MutexLock lock(&mu_);
        load_status_ = absl::OkStatus();
      }
    }
    const uint64_t first_sequence = next_sequence_;
    const size_t pending_before = unindexed_.size();
    const std::map<uint64_t, std::string> open_before = open_;
    if (status.ok()) {
      // The records, synced if any call waits for one: what the answers
      // wait for. Their node index entries (up to 1,000 keys a record)
      // follow in a second batch once the answers are released; the
      // records they belong to are named in meta/audit_index_pending
      // meanwhile, so a crash in between loses nothing (Load writes them at
      // the next start). Completions alone (of open records) need no sync:
      // meta/audit_open names them until they are durable.
      WriteBatch batch(store_.database());
      const uint64_t now = static_cast<uint64_t>(absl::ToUnixMicros(clock_.Now()));
      bool sync = false;
      bool opens_changed = false;
      for (Queued& q : group) {
        v1::AccessRecord& record = q.record;
        std::string key;
        if (q.kind == Queued::Kind::kComplete) {
          auto open = open_.find(record.sequence());
          if (open == open_.end()) {
            q.not_open = true;
            continue;
          }
          key = std::move(open->second);
          open_.erase(open);
          opens_changed = true;
        } else {
          sync = true;
          record.set_sequence(next_sequence_++);
          *record.mutable_time() = ProtoTimeFromMicros(now);
          key = AuditStore::RecordKey(now, record.sequence());
          if (q.kind == Queued::Kind::kOpen) {
            open_[record.sequence()] = key;
            opens_changed = true;
          }
        }
        store_.Put(batch, key, record.principal(), record.SerializeAsString());
        if (record.node_ids_size() > 0) {
          unindexed_.push_back({std::move(key), {record.node_ids().begin(), record.node_ids().end()}});
        }
      }
      if (sync) store_.PutNextSequence(batch, next_sequence_);
      if (opens_changed) {
        std::vector<std::string> keys;
        for (const auto& [sequence, key] : open_) keys.push_back(key);
        store_.PutOpenRecords(batch, keys);
      }
      if (unindexed_.size() > pending_before) {
        std::vector<std::string> keys;
        for (const Unindexed& u : unindexed_) keys.push_back(u.key);
        store_.PutPendingIndex(batch, keys);
      }
      status = store_.database().Write(batch, sync);
    }
    if (!status.ok()) {
      next_sequence_ = first_sequence;
      unindexed_.resize(pending_before);
      open_ = open_before;
      LOG_ERROR("access log write failed; refusing the calls it would record: ", status.ToString());
      status = absl::UnavailableError(absl::StrCat(
          "the access record of this call could not be written (", status.message(),
          "); the answer is withheld, retry later"));
    }
    if (status.ok()) {
      absl::MutexLock lock(&mu_);
      recorded_ = next_sequence_;
    }
    for (Queued& q : group) {
      if (q.kind == Queued::Kind::kOpen) {
        if (status.ok()) {
          std::move(q.opened)(std::move(q.record));
        } else {
          std::move(q.opened)(status);
        }
      } else if (q.done != nullptr) {
        std::move(q.done)(q.not_open ? absl::FailedPreconditionError(absl::StrCat(
                                           "access record ", q.record.sequence(),
                                           " is not open (completed already, or never opened)"))
                                     : status);
      }
    }
    if (status.ok() && WriteNodeIndex()) {
      absl::MutexLock lock(&mu_);
      indexed_ = IndexedBound();
    }
  }
}

bool AuditLog::WriteNodeIndex() {
  if (unindexed_.empty()) return true;
  WriteBatch batch(store_.database());
  for (const Unindexed& u : unindexed_) store_.PutNodeIndex(batch, u.key, u.nodes);
  store_.ClearPendingIndex(batch);
  // Unsynced: the next group's synced write (or the next start) makes it
  // durable, and until then meta/audit_index_pending names these records.
  const absl::Status status = store_.database().Write(batch, /*sync=*/false);
  if (!status.ok()) {
    LOG_ERROR("access log: writing node index entries failed (retried with the next record): ",
              status.ToString());
    return false;
  }
  unindexed_.clear();
  return true;
}

absl::StatusOr<v1::QueryAccessLogResponse> AuditLog::Query(
    const v1::QueryAccessLogRequest& request) const {
  if (request.page_size() > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: got ", request.page_size(), ", max 1000"));
  }
  std::string after;
  if (!request.page_token().empty() &&
      (!absl::WebSafeBase64Unescape(request.page_token(), &after) || after.size() != 16)) {
    return absl::InvalidArgumentError("page_token: not a token from a previous response");
  }
  const uint64_t from = request.has_from_time()
                            ? static_cast<uint64_t>(std::max<int64_t>(
                                  0, absl::ToUnixMicros(FromProtoTime(request.from_time()))))
                            : 0;
  const uint64_t to = request.has_to_time()
                          ? static_cast<uint64_t>(std::max<int64_t>(
                                0, absl::ToUnixMicros(FromProtoTime(request.to_time()))))
                          : ~uint64_t{0};
  const size_t page_size = request.page_size() == 0 ? 100 : request.page_size();
  {
    // Node index entries land just after their records, and open records
    // are completed just after their answers are sent: wait for both, for
    // every record already durable, so a query sees what was answered.
    absl::MutexLock lock(&mu_);
    const uint64_t recorded = recorded_;
    auto indexed = [this, recorded]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return indexed_ >= recorded;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&indexed), absl::Seconds(5)) &&
        request.node_id() != 0) {
      return absl::UnavailableError(
          "the access log's node index is behind its records (a streamed query still running, "
          "or see the server log); retry, or query by time or principal");
    }
    // By time or principal, after 5 s: what is there, open records marked
    // answer_pending.
  }
  v1::QueryAccessLogResponse out;
  std::string last;
  bool more = false;
  absl::Status bad = absl::OkStatus();
  absl::Status scanned = store_.Scan(
      from, to, request.principal(), request.node_id(), after,
      [&](absl::string_view key, absl::string_view bytes) {
        if (static_cast<size_t>(out.records_size()) >= page_size) {
          more = true;
          return false;
        }
        if (!out.add_records()->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
          bad = absl::DataLossError("an access record does not parse");
          return false;
        }
        last = std::string(key);
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!bad.ok()) return bad;
  if (more) out.set_next_page_token(absl::WebSafeBase64Escape(last));
  return out;
}

}  // namespace lineage
