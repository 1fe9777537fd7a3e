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
//   audit.Record(std::move(record), [](absl::Status s) { ... send answer ... });
//
// Thread-safety: safe for concurrent use. The database and clock must
// outlive it; the destructor writes everything queued.
#ifndef LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_
#define LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "lineage/v1/audit.pb.h"
#include "storage/audit_store.h"

namespace lineage {

class AuditLog {
 public:
  using Done = absl::AnyInvocable<void(absl::Status) &&>;

  AuditLog(Database& db, const Clock& clock);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Stamps `record` with its time and sequence and writes it; `done` runs
  // (on the writer thread) once it is durable, or with UNAVAILABLE if it
  // could not be written.
  void Record(v1::AccessRecord record, Done done);

  // See AuditService.QueryAccessLog.
  // A query by node first waits (up to 5 s) for the node index entries of
  // every record already durable.
  absl::StatusOr<v1::QueryAccessLogResponse> Query(const v1::QueryAccessLogRequest& request) const;

 private:
  // A record whose node index entries are not written yet.
  struct Unindexed {
    std::string key;
    std::vector<uint64_t> nodes;
  };

  void Run();
  // Reads the next sequence and finishes an interrupted node indexing.
  absl::Status Load();
  // Writes the entries of unindexed_ (unsynced); false (keeping them) on
  // failure.
  bool WriteNodeIndex();

  AuditStore store_;
  const Clock& clock_;
  mutable absl::Mutex mu_;
  std::deque<std::pair<v1::AccessRecord, Done>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Records below sequence recorded_ are durable; those below indexed_ have
  // their node index entries written too. Until Load has run, 1 and 0: a
  // query by node waits for it.
  uint64_t recorded_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t indexed_ ABSL_GUARDED_BY(mu_) = 0;
  // Writer thread only.
  uint64_t next_sequence_ = 0;
  bool loaded_ = false;
  std::vector<Unindexed> unindexed_;
  std::thread thread_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_
