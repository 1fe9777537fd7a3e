#include "server/audit/audit_log.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
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
  queue_.emplace_back(std::move(record), std::move(done));
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
  absl::MutexLock lock(&mu_);
  recorded_ = indexed_ = next_sequence_;
  return absl::OkStatus();
}

void AuditLog::Run() {
  if (absl::Status status = Load(); !status.ok()) {
    LOG_ERROR("access log: could not load its state (retried with the first record): ",
              status.ToString());
  } else {
    loaded_ = true;
  }
  while (true) {
    std::deque<std::pair<v1::AccessRecord, Done>> group;
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
    }
    const uint64_t first_sequence = next_sequence_;
    const size_t pending_before = unindexed_.size();
    if (status.ok()) {
      // The records, synced: what the answers wait for. Their node index
      // entries (up to 1,000 keys a record) follow in a second batch once
      // the answers are released; the records they belong to are named in
      // meta/audit_index_pending meanwhile, so a crash in between loses
      // nothing (Load writes them at the next start).
      WriteBatch batch(store_.database());
      const uint64_t now = static_cast<uint64_t>(absl::ToUnixMicros(clock_.Now()));
      for (auto& [record, done] : group) {
        record.set_sequence(next_sequence_++);
        *record.mutable_time() = ProtoTimeFromMicros(now);
        std::string key = AuditStore::RecordKey(now, record.sequence());
        store_.Put(batch, key, record.principal(), record.SerializeAsString());
        if (record.node_ids_size() > 0) {
          unindexed_.push_back({std::move(key), {record.node_ids().begin(), record.node_ids().end()}});
        }
      }
      store_.PutNextSequence(batch, next_sequence_);
      if (!unindexed_.empty()) {
        std::vector<std::string> keys;
        for (const Unindexed& u : unindexed_) keys.push_back(u.key);
        store_.PutPendingIndex(batch, keys);
      }
      status = store_.database().Write(batch, /*sync=*/true);
    }
    if (!status.ok()) {
      next_sequence_ = first_sequence;
      unindexed_.resize(pending_before);
      LOG_ERROR("access log write failed; refusing the calls it would record: ", status.ToString());
      status = absl::UnavailableError(absl::StrCat(
          "the access record of this call could not be written (", status.message(),
          "); the answer is withheld, retry later"));
    }
    if (status.ok()) {
      absl::MutexLock lock(&mu_);
      recorded_ = next_sequence_;
    }
    for (auto& [record, done] : group) std::move(done)(status);
    if (status.ok() && WriteNodeIndex()) {
      absl::MutexLock lock(&mu_);
      indexed_ = next_sequence_;
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
  if (request.node_id() != 0) {
    // Node index entries land just after their records: wait for those of
    // every record already durable, so a query sees what was answered.
    absl::MutexLock lock(&mu_);
    const uint64_t recorded = recorded_;
    auto indexed = [this, recorded]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return indexed_ >= recorded;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&indexed), absl::Seconds(5))) {
      return absl::UnavailableError(
          "the access log's node index is behind its records (see the server log); retry, or "
          "query by time or principal");
    }
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
