// AuditLog: the durable record of who accessed what. Records are
// group-committed by one writer thread with the WAL synced, like log
// entries, so a call waits for its record only briefly and the record
// survives a crash. Answers are sent only after their record is durable.
//
// A record's node index entries (one key per node it names, up to 1,000)
// are written just after the answers are released, in an unsynced batch:
// they cost more than the record itself, and the record already holds the
// node IDs. Until they land, meta/audit_index_pending names the records
// (in the synced batch), and a start after a crash writes what is missing,
// so a query by node finds every record once it is indexed (milliseconds
// after the answer) and after any crash.
//
// Calls whose answer takes a while to compute (streamed graph queries) are
// recorded in two steps, so that the sync runs while the answer is
// computed rather than after it: Open makes the record durable when the
// call begins (who, what, the request in full, the tree size it is
// answered at) and Complete adds the answer's fields once the answer is
// sent, unsynced. meta/audit_open names the open records; after a crash,
// RecoverOpen recomputes their answers (a graph query at a fixed tree size
// always gives the same answer). A query by node waits for open records
// to be completed.
//
//   audit.Record(std::move(record), [](absl::Status s) { ... send answer ... });
//   audit.Open(std::move(record), [](absl::StatusOr<v1::AccessRecord> opened) { ... });
//   audit.Complete(std::move(opened_with_answer), nullptr);
//
// Thread-safety: safe for concurrent use. The database and clock must
// outlive it; the destructor writes everything queued.
#ifndef LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_
#define LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_

#include <deque>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "lineage/v1/audit.pb.h"
#include "storage/audit_store.h"

namespace lineage {

class AuditLog {
 public:
  using Done = absl::AnyInvocable<void(absl::Status) &&>;
  using OpenDone = absl::AnyInvocable<void(absl::StatusOr<v1::AccessRecord>) &&>;
  // For RecoverOpen: an open record with its answer fields (namespaces,
  // node_ids, nodes_answered, status) recomputed from its pending_request
  // at its tree_size; or why that could not be done (recorded as the
  // record's status).
  using Recompute =
      absl::FunctionRef<absl::StatusOr<v1::AccessRecord>(const v1::AccessRecord& open)>;

  AuditLog(Database& db, const Clock& clock);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Stamps `record` with its time and sequence and writes it; `done` runs
  // (on the writer thread) once it is durable, or with UNAVAILABLE if it
  // could not be written.
  void Record(v1::AccessRecord record, Done done);

  // Stamps `record` with its time and sequence, marks it answer_pending and
  // writes it, synced; `opened` gets the record as stored (pass it, with
  // its answer fields set, to Complete), or UNAVAILABLE.
  void Open(v1::AccessRecord record, OpenDone opened);
  // Replaces an open record (same sequence and time, as Open gave it) with
  // its answered form (answer_pending and pending_request cleared), and
  // its node index entries; unsynced: durable with the next synced write,
  // and recomputed by RecoverOpen after a crash before that. `done` (may
  // be null) runs once it is written.
  void Complete(v1::AccessRecord answered, Done done);
  // Completes the records a crash left open, with `recompute` (run on the
  // calling thread, each with answer_recomputed set); returns how many.
  // Call once at start, before serving.
  absl::StatusOr<size_t> RecoverOpen(Recompute recompute);

  // See AuditService.QueryAccessLog.
  // A query first waits (up to 5 s) for the node index entries of every
  // record already durable and for the completion of every open one; a
  // query by node that times out is UNAVAILABLE, others then answer with
  // what is there.
  absl::StatusOr<v1::QueryAccessLogResponse> Query(const v1::QueryAccessLogRequest& request) const;

 private:
  // A record whose node index entries are not written yet.
  struct Unindexed {
    std::string key;
    std::vector<uint64_t> nodes;
  };

  struct Queued {
    enum class Kind { kRecord, kOpen, kComplete } kind;
    v1::AccessRecord record;
    Done done;              // kRecord, kComplete (may be null).
    OpenDone opened;        // kOpen.
    bool not_open = false;  // kComplete of a record that is not open: refused.
  };

  void Run();
  // Reads the next sequence and finishes an interrupted node indexing.
  absl::Status Load();
  // Writes the entries of unindexed_ (unsynced); false (keeping them) on
  // failure.
  bool WriteNodeIndex();
  // The sequence below which every record is indexed, once the node index
  // entries queued so far are written: the next sequence, or the first
  // open record's.
  uint64_t IndexedBound() const;

  AuditStore store_;
  const Clock& clock_;
  mutable absl::Mutex mu_;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Records below sequence recorded_ are durable; those below indexed_ have
  // their node index entries written too. Until Load has run, 1 and 0: a
  // query by node waits for it.
  // Open records count as recorded and keep indexed_ at or below their
  // sequence until they are completed.
  uint64_t recorded_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t indexed_ ABSL_GUARDED_BY(mu_) = 0;
  // Set by Load: whether it has run (successfully), and the keys of the
  // records it found open, for RecoverOpen.
  bool load_finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status load_status_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> found_open_ ABSL_GUARDED_BY(mu_);
  // Writer thread only.
  uint64_t next_sequence_ = 0;
  bool loaded_ = false;
  std::vector<Unindexed> unindexed_;
  std::map<uint64_t, std::string> open_;  // Sequence -> key of each open record.
  std::thread thread_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_
