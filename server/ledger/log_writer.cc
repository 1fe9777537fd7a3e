#include "server/ledger/log_writer.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/thread_usage.h"
#include "crypto/envelope_record.h"
#include "crypto/leaf.h"
#include "crypto/merkle_hash.h"
#include "crypto/random.h"
#include "server/ledger/key_policy.h"
#include "server/ledger/proto_time.h"
#include "storage/schema.h"

namespace lineage {

// Everything one commit group accumulates before its single write.
class LogWriter::Group {
 public:
  Group(LogWriter& writer, uint64_t time_micros)
      : w_(writer), batch_(writer.store_.database()), time_micros_(time_micros) {}

  absl::Time time() const { return absl::FromUnixMicros(static_cast<int64_t>(time_micros_)); }
  WriteBatch& batch() { return batch_; }

  // The key as this group sees it: staged changes first, then the registry.
  std::shared_ptr<const RegisteredKey> FindKey(const KeyId& id) const {
    auto it = staged_keys_.find(std::string(id.AsBytes()));
    if (it != staged_keys_.end()) return it->second;
    return w_.registry_.Find(id);
  }
  void StageKey(std::shared_ptr<const RegisteredKey> key) {
    staged_keys_[std::string(key->id.AsBytes())] = std::move(key);
  }
  void PublishStagedKeys() {
    for (auto& [id, key] : staged_keys_) w_.registry_.Put(key);
  }

  // Admission of one event: duplicate, conflict, key still usable now.
  AppendOutcome Admit(const VerifiedEvent& e) {
    AppendOutcome out;
    std::shared_ptr<const RegisteredKey> key = FindKey(e.key->id);
    absl::Status usable = key == nullptr ? absl::UnauthenticatedError("key is no longer registered")
                                         : CheckKeyUsable(key->record, time());
    if (!usable.ok()) {
      out.error = usable;
      return out;
    }
    const std::string id_key = schema::EventIdKey(e.event.namespace_(), e.event.event_id());
    absl::StatusOr<EventIdRecord> seen;
    auto pending = pending_ids_.find(id_key);
    if (pending != pending_ids_.end()) {
      seen = pending->second.first;
    } else {
      seen = w_.store_.FindEventId(e.event.namespace_(), e.event.event_id());
    }
    if (absl::IsNotFound(seen.status())) {
      out.kind = AppendOutcome::Kind::kAccepted;  // Provisional: not yet appended.
      return out;
    }
    if (!seen.ok()) {
      out.error = seen.status();
      return out;
    }
    if (seen->payload_digest != e.payload_digest) {
      out.error = absl::AlreadyExistsError(absl::StrCat(
          "event_id \"", e.event.event_id(), "\" in namespace \"", e.event.namespace_(),
          "\" was already appended at index ", seen->index,
          " with different content; use a new event_id for a new event"));
      return out;
    }
    if (pending != pending_ids_.end()) {
      out = pending->second.second;
    } else {
      absl::Status loaded = LoadStored(seen->index, out);
      if (!loaded.ok()) {
        out.kind = AppendOutcome::Kind::kRejected;
        out.error = loaded;
        return out;
      }
    }
    out.kind = AppendOutcome::Kind::kDuplicate;
    return out;
  }

  // Appends one entry to the tree and the batch.
  AppendOutcome Append(EntryKind kind, const KeyId& key_id, absl::string_view record) {
    AppendOutcome out;
    out.kind = AppendOutcome::Kind::kAccepted;
    out.salt = w_.NextSalt();
    out.integrated_time_micros = time_micros_;
    Leaf leaf{kind, time_micros_, key_id, CommitToRecord(out.salt, record)};
    out.leaf = EncodeLeaf(leaf);
    out.leaf_hash = HashLeaf(out.leaf);
    out.index = w_.frontier_.size();
    const LogStore& store = w_.store_;
    w_.frontier_.Append(out.leaf_hash, [&](int level, uint64_t index, const Hash& hash) {
      store.PutNode(batch_, level, index, hash);
    });
    store.PutLeaf(batch_, out.index, out.leaf);
    store.PutEntry(batch_, out.index, out.salt, record);
    store.PutLeafIndex(batch_, out.leaf_hash, out.index);
    bytes_ += record.size();
    return out;
  }

  // Appends an event and its derived index writes. An indexing error is
  // returned and fails the group.
  absl::Status AppendEvent(const VerifiedEvent& e, AppendOutcome& out) {
    out = Append(EntryKind::kLineageEvent, e.key->id, e.record);
    EventIdRecord id_record{out.index, e.payload_digest};
    w_.store_.PutEventId(batch_, e.event.namespace_(), e.event.event_id(), id_record);
    pending_ids_[schema::EventIdKey(e.event.namespace_(), e.event.event_id())] = {id_record, out};
    if (w_.indexer_ == nullptr) return absl::OkStatus();
    return w_.indexer_->IndexEvent(e, out.index, time_micros_, batch_);
  }

 private:
  absl::Status LoadStored(uint64_t index, AppendOutcome& out) {
    ASSIGN_OR_RETURN(out.leaf, w_.store_.ReadLeaf(index));
    ASSIGN_OR_RETURN(Leaf leaf, DecodeLeaf(out.leaf));
    out.index = index;
    out.leaf_hash = HashLeaf(out.leaf);
    out.integrated_time_micros = leaf.integrated_time_micros;
    absl::StatusOr<StoredEntry> entry = w_.store_.ReadEntry(index);
    if (entry.ok()) {
      out.salt = entry->salt;
    } else if (!absl::IsNotFound(entry.status())) {
      return entry.status();
    }
    return absl::OkStatus();
  }

  LogWriter& w_;
  WriteBatch batch_;
  uint64_t time_micros_;
  size_t bytes_ = 0;
  std::map<std::string, std::shared_ptr<const RegisteredKey>> staged_keys_;
  std::map<std::string, std::pair<EventIdRecord, AppendOutcome>> pending_ids_;
};

LogWriter::LogWriter(LogStore& store, KeyRegistry& registry, const CheckpointSigner& signer,
                     const Clock& clock, MerkleFrontier frontier,
                     std::shared_ptr<const PublishedCheckpoint> checkpoint, Options options,
                     EntryIndexer* indexer)
    : store_(store),
      registry_(registry),
      signer_(signer),
      clock_(clock),
      options_(options),
      indexer_(indexer),
      frontier_(std::move(frontier)),
      checkpoint_(std::move(checkpoint)) {
  thread_ = std::thread([this] { Run(); });
}

LogWriter::~LogWriter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void LogWriter::AppendEvents(std::vector<VerifiedEvent> events, bool atomic, EventsDone done) {
  size_t bytes = 0;
  for (const VerifiedEvent& e : events) bytes += e.record.size();
  const size_t items = events.size();
  Enqueue(EventsOp{std::move(events), atomic, std::move(done), absl::UnknownError("pending")}, items, bytes);
}

void LogWriter::ChangeKey(KeyChangeRequest request, KeyDone done) {
  Enqueue(KeyOp{std::move(request), std::move(done), absl::UnknownError("pending")}, 1, 256);
}

void LogWriter::RefuseWrites(absl::Status reason) {
  absl::MutexLock lock(&mu_);
  refusal_ = absl::FailedPreconditionError(reason.message());
}

std::shared_ptr<const PublishedCheckpoint> LogWriter::latest_checkpoint() const {
  absl::MutexLock lock(&mu_);
  return checkpoint_;
}

void LogWriter::Enqueue(Op op, size_t items, size_t bytes) {
  absl::MutexLock lock(&mu_);
  queue_.emplace_back(std::move(op), items + (bytes >> 16));
}

void LogWriter::Run() {
  while (true) {
    std::vector<Op> ops;
    absl::Status refusal;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](LogWriter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) {
            return w->stopping_ || !w->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // Stopping and drained.
      // Take what is queued, up to the group limits (always at least one op).
      size_t weight = 0;
      while (!queue_.empty() &&
             (ops.empty() || weight + queue_.front().second <= options_.max_group_items)) {
        weight += queue_.front().second;
        ops.push_back(std::move(queue_.front().first));
        queue_.pop_front();
      }
      refusal = refusal_;
    }
    if (!refusal.ok()) {
      FailAll(ops, refusal);
    } else {
      ProcessGroup(ops);
    }
    Finish(ops);
  }
}

void LogWriter::FailAll(std::vector<Op>& ops, const absl::Status& status) {
  for (Op& op : ops) {
    std::visit([&](auto& o) { o.result = status; }, op);
  }
}

void LogWriter::Finish(std::vector<Op>& ops) {
  std::shared_ptr<const PublishedCheckpoint> checkpoint = latest_checkpoint();
  for (Op& op : ops) {
    if (auto* e = std::get_if<EventsOp>(&op)) {
      std::move(e->done)(std::move(e->result), checkpoint);
    } else {
      auto& k = std::get<KeyOp>(op);
      std::move(k.done)(std::move(k.result));
    }
  }
}

std::string LogWriter::NextSalt() {
  // One CSPRNG call for many salts: RAND_bytes costs about as much for 32
  // bytes as for 4 KiB (its locking, and a getpid system call to detect a
  // fork), and the single writer called it once an entry.
  constexpr size_t kSaltsPerDraw = 128;
  if (salts_used_ == salts_.size()) {
    salts_ = RandomBytes(kCommitmentSaltSize * kSaltsPerDraw);
    salts_used_ = 0;
  }
  std::string salt = salts_.substr(salts_used_, kCommitmentSaltSize);
  // Wiped once used: erasing an entry deletes its stored salt, and no
  // copy should outlive that here longer than the entry's own outcome.
  std::fill_n(salts_.begin() + static_cast<std::ptrdiff_t>(salts_used_), kCommitmentSaltSize, '\0');
  salts_used_ += kCommitmentSaltSize;
  return salt;
}

absl::Status LogWriter::ReloadFrontier() {
  ASSIGN_OR_RETURN(TreeHead head, store_.ReadTreeHead());
  std::vector<Hash> subtrees;
  for (const NodeAddress& a : FrontierAddresses(head.size)) {
    ASSIGN_OR_RETURN(Hash h, store_.ReadNode(a.level, a.index));
    subtrees.push_back(h);
  }
  ASSIGN_OR_RETURN(frontier_, MerkleFrontier::FromSubtrees(head.size, std::move(subtrees)));
  return absl::OkStatus();
}

namespace {

constexpr absl::Duration kSlowGroupReportEvery = absl::Seconds(10);

}  // namespace

void LogWriter::ProcessGroup(std::vector<Op>& ops) {
  const absl::Time started = absl::Now();
  const ThreadUsage usage_at_start = ThreadUsage::Now();
  if (needs_reload_) {
    // A failed commit may have left RocksDB refusing writes (disk full, I/O
    // error): clear that first, once its cause is gone, then reload.
    absl::Status reloaded = store_.database().Resume();
    if (reloaded.ok()) reloaded = ReloadFrontier();
    if (!reloaded.ok()) {
      FailAll(ops, absl::UnavailableError(
                       absl::StrCat("storage is failing, retry later: ", reloaded.message())));
      return;
    }
    needs_reload_ = false;
  }
  // Integration times never go backwards, even if the system clock does.
  const uint64_t now = static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMicros(clock_.Now())));
  const uint64_t time_micros = std::max(now, last_time_micros_);
  const MerkleFrontier before = frontier_;
  Group group(*this, time_micros);
  absl::Status indexed = absl::OkStatus();

  for (Op& op : ops) {
    if (auto* e = std::get_if<EventsOp>(&op)) {
      std::vector<AppendOutcome> outcomes(e->events.size());
      absl::Status first_rejection;
      size_t first_rejected_at = 0;
      std::map<std::string, Hash> in_batch;  // Conflicts inside this batch.
      for (size_t i = 0; i < e->events.size(); ++i) {
        const VerifiedEvent& event = e->events[i];
        outcomes[i] = group.Admit(event);
        auto [it, inserted] = in_batch.emplace(
            schema::EventIdKey(event.event.namespace_(), event.event.event_id()),
            event.payload_digest);
        if (!inserted && it->second != event.payload_digest) {
          outcomes[i].kind = AppendOutcome::Kind::kRejected;
          outcomes[i].error = absl::AlreadyExistsError(absl::StrCat(
              "event_id \"", event.event.event_id(), "\" appears twice in this batch with different content"));
        }
        if (outcomes[i].kind == AppendOutcome::Kind::kRejected && first_rejection.ok()) {
          first_rejection = outcomes[i].error;
          first_rejected_at = i;
        }
      }
      if (e->atomic && !first_rejection.ok()) {
        e->result = absl::Status(first_rejection.code(),
                                 absl::StrCat("atomic batch refused, nothing appended: event ",
                                              first_rejected_at, ": ", first_rejection.message()));
        continue;
      }
      for (size_t i = 0; i < e->events.size(); ++i) {
        // Accepted-at-admission events are appended now; a second copy of an
        // event earlier in this group becomes a duplicate of it.
        if (outcomes[i].kind != AppendOutcome::Kind::kAccepted) continue;
        AppendOutcome again = group.Admit(e->events[i]);
        if (again.kind == AppendOutcome::Kind::kAccepted) {
          if (indexed.ok()) indexed = group.AppendEvent(e->events[i], outcomes[i]);
        } else {
          outcomes[i] = std::move(again);
        }
      }
      e->result = std::move(outcomes);
    } else {
      KeyOp& k = std::get<KeyOp>(op);
      const KeyChangeRequest& req = k.request;
      absl::StatusOr<KeyId> id = KeyId::FromHex(req.key.key_id());
      if (!id.ok()) {
        k.result = id.status();
        continue;
      }
      std::shared_ptr<const RegisteredKey> existing = group.FindKey(*id);
      v1::ProducerKey record;
      EntryKind kind;
      if (req.type == KeyChangeRequest::Type::kRegister) {
        if (existing != nullptr) {
          k.result = absl::AlreadyExistsError(absl::StrCat(
              "key ", req.key.key_id(), " is already registered (log index ",
              existing->record.registered_log_index(), ")"));
          continue;
        }
        record = req.key;
        record.clear_state();
        *record.mutable_registered_at() = ProtoTimeFromMicros(time_micros);
        record.set_registered_log_index(frontier_.size());
        kind = EntryKind::kKeyRegistered;
      } else {
        if (existing == nullptr) {
          k.result = absl::NotFoundError(
              absl::StrCat("key ", req.key.key_id(), " is not registered"));
          continue;
        }
        if (existing->record.has_revoked_at()) {
          k.result = absl::FailedPreconditionError(absl::StrCat(
              "key ", req.key.key_id(), " was already revoked at log index ",
              existing->record.revoked_log_index()));
          continue;
        }
        record = existing->record;
        *record.mutable_revoked_at() = ProtoTimeFromMicros(time_micros);
        record.set_revocation_reason(req.key.revocation_reason());
        record.set_revoked_log_index(frontier_.size());
        kind = EntryKind::kKeyRevoked;
      }
      v1::KeyChange change;
      *change.mutable_key() = record;
      change.set_actor(req.actor);
      EnvelopeRecord envelope{kind, *id, std::string(kKeyChangePayloadType),
                              change.SerializeAsString(), ""};
      absl::StatusOr<std::string> bytes = EncodeEnvelopeRecord(envelope);
      absl::StatusOr<std::shared_ptr<const RegisteredKey>> registered =
          KeyRegistry::FromRecord(record);
      if (!bytes.ok() || !registered.ok()) {
        k.result = !bytes.ok() ? bytes.status() : registered.status();
        continue;
      }
      group.Append(kind, *id, *bytes);
      store_.PutKey(group.batch(), *id, record.SerializeAsString());
      group.StageKey(*registered);
      k.result = record;
    }
  }

  if (frontier_.size() == before.size()) return;  // Nothing to commit.
  const TreeHead head{frontier_.size(), frontier_.Root()};
  store_.PutTreeHead(group.batch(), head);
  if (indexer_ != nullptr && indexed.ok()) indexer_->FinishGroup(group.batch());
  const absl::Time planned = absl::Now();
  const ThreadUsage usage_planned = ThreadUsage::Now();
  absl::Status committed = indexed.ok() ? store_.database().Write(group.batch(), /*sync=*/true)
                                        : indexed;
  const absl::Time written = absl::Now();
  if (!committed.ok()) {
    if (indexer_ != nullptr) indexer_->OnAborted();
    LOG_ERROR("log commit of ", frontier_.size() - before.size(), " entries failed: ", committed.ToString());
    frontier_ = before;
    needs_reload_ = true;
    FailAll(ops, absl::UnavailableError(absl::StrCat(
                     "the log could not commit (", committed.message(),
                     "); nothing was appended; retry: appends are idempotent")));
    return;
  }
  group.PublishStagedKeys();
  if (indexer_ != nullptr) indexer_->OnCommitted();
  const absl::Time indexed_in_memory = absl::Now();
  last_time_micros_ = time_micros;

  // The head is durable: now, and only now, sign a checkpoint over it.
  auto checkpoint = std::make_shared<const PublishedCheckpoint>(signer_.Sign(head.size, head.root));
  WriteBatch checkpoint_batch(store_.database());
  store_.PutCheckpoint(checkpoint_batch, checkpoint->note);
  absl::Status stored = store_.database().Write(checkpoint_batch, /*sync=*/false);
  if (!stored.ok()) {
    // The tree head is committed; the checkpoint is re-signed at next start.
    // Storage may now refuse writes until resumed: do that before the next group.
    LOG_WARNING("storing checkpoint at size ", head.size, " failed: ", stored.ToString());
    needs_reload_ = true;
  }
  {
    absl::MutexLock lock(&mu_);
    checkpoint_ = std::move(checkpoint);
  }
  const absl::Time finished = absl::Now();
  const bool slow = finished - started > options_.slow_group;
  if (slow) slow_groups_.fetch_add(1, std::memory_order_relaxed);
  if (slow && finished - last_slow_report_ < kSlowGroupReportEvery) {
    ++slow_unreported_;
  } else if (slow) {
    last_slow_report_ = finished;
    const int others = std::exchange(slow_unreported_, 0);
    // Whether the thread computed or waited (for a core, the disk, a lock).
    const ThreadUsage usage_finished = ThreadUsage::Now();
    LOG_WARNING("slow log group: ", frontier_.size() - before.size(), " entries, ",
                group.batch().Count(), " writes, ", group.batch().ByteSize() / 1024, " KiB in ",
                absl::FormatDuration(finished - started), ": planning and indexing ",
                absl::FormatDuration(planned - started), " (",
                usage_planned.Since(usage_at_start).Describe(), "); committing with the WAL synced ",
                absl::FormatDuration(written - planned), ", the in-memory graph and caches ",
                absl::FormatDuration(indexed_in_memory - written), ", signing and publishing ",
                absl::FormatDuration(finished - indexed_in_memory), " (together ",
                usage_finished.Since(usage_planned).Describe(), ")",
                "; storage: ", store_.database().Backlog(),
                others > 0 ? absl::StrCat("; ", others, " more over ", absl::FormatDuration(options_.slow_group),
                                          " since the last report")
                           : "");
  }
}

}  // namespace lineage
