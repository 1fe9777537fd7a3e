// AuditLog: the durable record of who accessed what. Records are
// group-committed by one writer thread with the WAL synced, like log
// entries, so a call waits for its record only briefly and the record
// survives a crash. Answers are sent only after their record is durable.
//
//   audit.Record(std::move(record), [](absl::Status s) { ... send answer ... });
//
// Thread-safety: safe for concurrent use. The database and clock must
// outlive it; the destructor writes everything queued.
#ifndef LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_
#define LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_

#include <deque>
#include <thread>

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
  absl::StatusOr<v1::QueryAccessLogResponse> Query(const v1::QueryAccessLogRequest& request) const;

 private:
  void Run();

  AuditStore store_;
  const Clock& clock_;
  absl::Mutex mu_;
  std::deque<std::pair<v1::AccessRecord, Done>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_sequence_ = 0;  // Writer thread only.
  bool sequence_loaded_ = false;
  std::thread thread_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_AUDIT_AUDIT_LOG_H_
