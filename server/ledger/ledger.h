// Ledger: the signed-event ledger as one object. It opens the data
// directory, checks the log at start, and runs ingestion (parallel
// verification on a worker pool, then the single group-committing log
// writer), the key registry, and the log's read side.
//
// Requests and responses are the API v1 protos, so the gRPC service layer
// only converts statuses. Writes are asynchronous: `done` runs on a worker
// thread once the outcome is durable (or refused). Reads are synchronous.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger, Ledger::Open(options));
//   ledger->AppendEvents(request, [](absl::StatusOr<v1::AppendEventsResponse> r) { ... });
//
// Thread-safety: all methods are safe to call concurrently. For async
// methods, `request` must stay valid until `done` has been called.
#ifndef LINEAGE_SERVER_LEDGER_LEDGER_H_
#define LINEAGE_SERVER_LEDGER_LEDGER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "crypto/ed25519.h"
#include "lineage/v1/ingest.pb.h"
#include "lineage/v1/keys.pb.h"
#include "lineage/v1/log.pb.h"
#include "server/ledger/checkpoint_signer.h"
#include "server/ledger/key_registry.h"
#include "server/ledger/log_reader.h"
#include "server/ledger/log_writer.h"
#include "server/ledger/worker_pool.h"
#include "storage/database.h"
#include "storage/log_store.h"

namespace lineage {

struct LedgerOptions {
  // RocksDB directory; created if missing.
  std::string data_dir;
  // Checkpoint origin and log key name, e.g. "ledger.example.com/prod".
  std::string origin = "lineage-ledger.local/dev";
  // Threads verifying signatures; 0 means one per core.
  int verify_threads = 0;
  // How many nice levels below the rest of the server they run (0: the
  // same). Lower priority lets the log writer, the one serial stage, have a
  // core whenever it has work, instead of queueing behind signature checks.
  int verify_nice = 5;
  // A commit group (one synced write) slower than this is counted and
  // logged with where its time went.
  absl::Duration slow_commit_group = absl::Milliseconds(50);
  // Most events in one AppendEvents request.
  int max_batch_events = 1000;
  // Largest accepted event payload.
  size_t max_payload_bytes = 1 << 20;
  // Time source; null means the system clock. Must outlive the ledger.
  const Clock* clock = nullptr;
  size_t block_cache_bytes = 256 << 20;
  // Log key rotation: verifier keys ("origin+id+key") the log's checkpoints
  // were signed with before the current key. A stored checkpoint signed by
  // one of them is accepted at start (its root still checked against
  // storage) and re-signed with the current key. INVALID_ARGUMENT if one
  // does not parse or names another origin.
  std::vector<std::string> previous_log_keys;
};

class Ledger {
 public:
  template <typename T>
  using Done = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;

  // Opens the ledger with `log_key` as its checkpoint-signing key.
  // UNAVAILABLE if the directory cannot be opened. An integrity failure does
  // not fail Open: the ledger serves reads and refuses writes, and
  // write_refusal() says why.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(const LedgerOptions& options,
                                                      Ed25519PrivateKey log_key);

  // The same over a database the caller opened (options.data_dir and
  // block_cache_bytes are ignored), with a derived index the writer keeps
  // in the same batches. Both must outlive the ledger; `indexer` may be null.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(const LedgerOptions& options,
                                                      Ed25519PrivateKey log_key, Database& db,
                                                      EntryIndexer* indexer);
  // Waits for every asynchronous operation to finish, then closes.
  ~Ledger();

  // See IngestService.AppendEvents (proto/lineage/v1/ingest.proto).
  // `producer` is the authenticated caller: events must be signed with keys
  // registered to it and stay inside its namespaces.
  void AppendEvents(const v1::AppendEventsRequest& request, ProducerIdentity producer,
                    Done<v1::AppendEventsResponse> done);

  // See KeyService (proto/lineage/v1/keys.proto). `actor` is the principal
  // recorded in the log entry.
  void RegisterKey(const v1::RegisterKeyRequest& request, std::string actor,
                   Done<v1::ProducerKey> done);
  void RevokeKey(const v1::RevokeKeyRequest& request, std::string actor,
                 Done<v1::ProducerKey> done);
  absl::StatusOr<v1::ListKeysResponse> ListKeys(const v1::ListKeysRequest& request) const;

  // The log's read side.
  const LogReader& log() const { return *reader_; }

  // OK, or why writes are refused.
  absl::Status write_refusal() const { return write_refusal_; }

  // A signed checkpoint at `size` (the latest one, or one signed now over the
  // root recomputed from stored nodes; a past size is never inconsistent
  // with what was signed before). INVALID_ARGUMENT beyond the latest size.
  absl::StatusOr<PublishedCheckpoint> CheckpointAt(uint64_t size) const;

  // The number of log entries integrated at or before `time` (for as-of
  // queries by time), at most the latest checkpoint's size.
  absl::StatusOr<uint64_t> SizeAtTime(absl::Time time) const;

  // The latest published checkpoint (null only when writes were refused at
  // start and no stored checkpoint verified).
  std::shared_ptr<const PublishedCheckpoint> LatestCheckpoint() const {
    return writer_->latest_checkpoint();
  }

  // Commit groups slower than LedgerOptions::slow_commit_group since start.
  uint64_t slow_commit_groups() const { return writer_->slow_groups(); }

  Database& database() { return *db_; }
  const LogStore& store() const { return *store_; }

  // The verifier key clients pin: "<origin>+<key ID>+<base64 key>".
  std::string VerifierKey() const { return signer_->VerifierKey(); }
  const std::string& origin() const { return signer_->origin(); }

 private:
  struct AppendState;
  Ledger() = default;
  // Chunk `chunk` is verified: submits what is now ready, in order (the
  // chunks up to the first unverified one, or an atomic batch when whole).
  void ChunkVerified(const std::shared_ptr<AppendState>& state, int chunk);
  // Hands events [begin, end) that verified to the writer (refusing an
  // atomic batch with a failed one). Called with state->mu held.
  void Submit(const std::shared_ptr<AppendState>& state, int begin, int end);
  // One submission answered; the last one finishes the call.
  void Answered(const std::shared_ptr<AppendState>& state);
  // Every submission answered: the receipts, or the first failure.
  void FinishAppend(const std::shared_ptr<AppendState>& state);
  // Counts asynchronous operations so the destructor can wait for them.
  void BeginOperation();
  void EndOperation();

  LedgerOptions options_;
  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<Database> owned_db_;
  Database* db_ = nullptr;
  std::unique_ptr<LogStore> store_;
  std::unique_ptr<KeyRegistry> registry_;
  std::unique_ptr<CheckpointSigner> signer_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<LogWriter> writer_;
  std::unique_ptr<LogReader> reader_;
  absl::Status write_refusal_;

  absl::Mutex ops_mu_;
  int ops_in_flight_ ABSL_GUARDED_BY(ops_mu_) = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_LEDGER_H_
