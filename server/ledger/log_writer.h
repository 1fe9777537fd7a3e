// LogWriter: the single, serialized writer of the log, with group commit.
//
// Callers hand it verified events and key registry changes. One thread takes
// everything queued, admits each item (duplicate and conflict checks, key
// still usable at the integration time), appends the accepted ones to the
// Merkle tree, and commits envelopes, leaves, tree nodes, indexes and the
// new tree head in ONE RocksDB WriteBatch with the WAL synced. Only then does
// it sign a checkpoint over the new head and run the callbacks: a receipt is
// never sent for anything that is not durable, and many appends share one
// fsync.
//
// If the commit fails (I/O error, disk full), every item of that group fails
// with UNAVAILABLE and nothing of the group is acknowledged. Before the next
// group the writer resumes storage (RocksDB stops taking writes after such an
// error) and reloads the in-memory tree from it, so appends succeed again as
// soon as the cause is gone, without a restart.
//
// Thread-safety: AppendEvents/ChangeKey are safe from any thread. Callbacks
// run on the writer thread and must be quick (hand work to a pool). The
// store, registry, signer and clock must outlive the writer.
#ifndef LINEAGE_SERVER_LEDGER_LOG_WRITER_H_
#define LINEAGE_SERVER_LEDGER_LOG_WRITER_H_

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "crypto/merkle_frontier.h"
#include "lineage/v1/keys.pb.h"
#include "server/ledger/checkpoint_signer.h"
#include "server/ledger/event_verifier.h"
#include "server/ledger/key_registry.h"
#include "storage/log_store.h"

namespace lineage {

// What happened to one item given to the writer.
struct AppendOutcome {
  enum class Kind { kAccepted, kDuplicate, kRejected };
  Kind kind = Kind::kRejected;
  absl::Status error;  // Set for kRejected.
  uint64_t index = 0;
  std::string leaf;
  Hash leaf_hash{};
  std::string salt;  // Empty if the entry was erased.
  uint64_t integrated_time_micros = 0;
};

// A derived index written in the same atomic batch as the log entries it
// derives from (the lineage graph). Called on the writer thread only.
class EntryIndexer {
 public:
  virtual ~EntryIndexer() = default;
  // Adds the index writes for `event`, appended at `index` at `time_micros`,
  // to `batch` (reading through it to see the group's earlier writes). An
  // error fails the whole group: nothing of it is committed.
  virtual absl::Status IndexEvent(const VerifiedEvent& event, uint64_t index,
                                  uint64_t time_micros, WriteBatch& batch) = 0;
  // Adds the group's closing writes (e.g. counters kept once per group, not
  // once per event) after its last IndexEvent, just before the commit.
  virtual void FinishGroup(WriteBatch& batch) {}
  // The group committed: publish what IndexEvent prepared. Runs before the
  // group's checkpoint is published, so readers of a checkpoint see the
  // index at least up to it.
  virtual void OnCommitted() = 0;
  // The group did not commit: forget what IndexEvent prepared.
  virtual void OnAborted() = 0;
};

// A key registry change to append.
struct KeyChangeRequest {
  enum class Type { kRegister, kRevoke };
  Type type = Type::kRegister;
  // kRegister: the full record (key_id, public_key, namespaces, window,
  // owner, description); the writer fills registration time and index.
  // kRevoke: key_id and revocation_reason.
  v1::ProducerKey key;
  std::string actor;
};

class LogWriter {
 public:
  using EventsDone = absl::AnyInvocable<void(absl::StatusOr<std::vector<AppendOutcome>>,
                                             std::shared_ptr<const PublishedCheckpoint>) &&>;
  using KeyDone = absl::AnyInvocable<void(absl::StatusOr<v1::ProducerKey>) &&>;

  struct Options {
    size_t max_group_items = 16384;
    size_t max_group_bytes = 64 << 20;
    // A group slower than this is counted and logged with where its time
    // went (what an operator chasing acknowledgement-latency spikes needs).
    absl::Duration slow_group = absl::Milliseconds(50);
  };

  // Starts the writer thread over a tree whose committed state is
  // `frontier`, last checkpointed as `checkpoint`. `indexer` (optional) must
  // outlive the writer.
  LogWriter(LogStore& store, KeyRegistry& registry, const CheckpointSigner& signer,
            const Clock& clock, MerkleFrontier frontier,
            std::shared_ptr<const PublishedCheckpoint> checkpoint, Options options,
            EntryIndexer* indexer = nullptr);
  // Finishes everything queued, then stops.
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Appends verified events. `done` gets one outcome per event, in order, or
  // an error for the whole call: with `atomic`, the first rejection (and
  // nothing appended); UNAVAILABLE if the commit failed; FAILED_PRECONDITION
  // if writes are refused.
  void AppendEvents(std::vector<VerifiedEvent> events, bool atomic, EventsDone done);

  // Registers or revokes a key. `done` gets the key record after the change
  // or ALREADY_EXISTS / NOT_FOUND / FAILED_PRECONDITION / UNAVAILABLE.
  void ChangeKey(KeyChangeRequest request, KeyDone done);

  // From now on every write fails with `reason` (FAILED_PRECONDITION).
  void RefuseWrites(absl::Status reason);

  // The latest published checkpoint. Null only when writes are refused and
  // no stored checkpoint verified at start.
  // Groups slower than Options::slow_group since the writer started.
  uint64_t slow_groups() const { return slow_groups_.load(std::memory_order_relaxed); }

  std::shared_ptr<const PublishedCheckpoint> latest_checkpoint() const;

 private:
  struct EventsOp {
    std::vector<VerifiedEvent> events;
    bool atomic;
    EventsDone done;
    absl::StatusOr<std::vector<AppendOutcome>> result;
  };
  struct KeyOp {
    KeyChangeRequest request;
    KeyDone done;
    absl::StatusOr<v1::ProducerKey> result;
  };
  using Op = std::variant<EventsOp, KeyOp>;
  class Group;

  void Enqueue(Op op, size_t items, size_t bytes);
  void Run();
  void ProcessGroup(std::vector<Op>& ops);
  void FailAll(std::vector<Op>& ops, const absl::Status& status);
  void Finish(std::vector<Op>& ops);
  absl::Status ReloadFrontier();
  // A fresh commitment salt, cut from a larger draw of the CSPRNG.
  std::string NextSalt();

  LogStore& store_;
  KeyRegistry& registry_;
  const CheckpointSigner& signer_;
  const Clock& clock_;
  const Options options_;
  EntryIndexer* const indexer_;

  // Owned by the writer thread.
  MerkleFrontier frontier_;
  uint64_t last_time_micros_ = 0;
  bool needs_reload_ = false;
  std::string salts_;  // Random bytes not yet used as salts.
  size_t salts_used_ = 0;
  // Slow-group warnings: at most one per kSlowGroupReportEvery, counting
  // the ones in between (a saturated writer is slow on every group).
  absl::Time last_slow_report_ = absl::InfinitePast();
  int slow_unreported_ = 0;
  std::atomic<uint64_t> slow_groups_{0};

  mutable absl::Mutex mu_;
  std::deque<std::pair<Op, size_t>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status refusal_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const PublishedCheckpoint> checkpoint_ ABSL_GUARDED_BY(mu_);

  std::thread thread_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_LOG_WRITER_H_
