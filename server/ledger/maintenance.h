// Maintenance: the operator's tasks on a running ledger, none of which stop
// ingestion:
//
//   - CreateBackup: a consistent, point-in-time copy of the whole database
//     (RocksDB Checkpoint: SST files hard-linked, the live WAL copied) in
//     <backup_dir>/<name>/db, with a manifest and the latest signed
//     checkpoint beside it. Every append acknowledged before the call is in
//     it (acknowledged means its WAL is synced). No private key is copied.
//   - StartIntegrityCheck: the full IntegrityChecker run on a background
//     thread at low CPU and I/O priority, throttled, over a RocksDB
//     checkpoint taken at its start (so it sees one consistent state while
//     the log keeps growing), removed when the check ends.
//
//   Maintenance maintenance(ledger.database(), ledger.log_verifier(), {.backup_dir = dir});
//   ASSIGN_OR_RETURN(BackupInfo backup, maintenance.CreateBackup(""));
//
// Offline: RestoreBackup copies a backup into a fresh data directory.
//
// Thread-safety: all methods are safe to call concurrently; one integrity
// check runs at a time. The database and verifier must outlive the object;
// its destructor cancels a running check and waits for it.
#ifndef LINEAGE_SERVER_LEDGER_MAINTENANCE_H_
#define LINEAGE_SERVER_LEDGER_MAINTENANCE_H_

#include <atomic>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "crypto/hash.h"
#include "crypto/signed_note.h"
#include "server/ledger/integrity_checker.h"
#include "storage/database.h"

namespace lineage {

// The manifest file beside every backup's db/ directory, and its first line.
inline constexpr char kBackupManifestFile[] = "BACKUP";
inline constexpr char kBackupManifestHeader[] = "lineage-ledger backup v1";
// The latest signed checkpoint at backup time (absent for an empty log).
inline constexpr char kBackupCheckpointFile[] = "checkpoint";

struct BackupInfo {
  std::string name;
  std::string path;       // <backup_dir>/<name>
  uint64_t tree_size = 0;  // Entries in the backup.
  Hash root{};             // Its root (meta/tree_head).
  std::string checkpoint_note;  // The latest signed checkpoint in it ("" if none).
  absl::Time created;
  absl::Duration took;
};

struct IntegrityCheckState {
  enum class Phase { kNeverRun, kRunning, kDone, kFailed };
  Phase phase = Phase::kNeverRun;
  uint64_t entries_done = 0;
  uint64_t tree_size = 0;
  absl::Time started;
  absl::Time finished;
  IntegrityReport report;  // Set when kDone.
  absl::Status error;      // Set when kFailed (the check could not run).
};

class Maintenance {
 public:
  struct Options {
    // Where backups (and the online check's temporary checkpoint) go. Must
    // be on the data directory's file system for hard links (else copied).
    std::string backup_dir;
    // The online check reads at most this many entries per second.
    double check_entries_per_second = 20000;
    // Checkers of derived indexes kept above the ledger (the lineage graph).
    std::vector<DerivedIndexCheckerFactory> derived_index_checkers;
  };

  // Removes what an interrupted backup or check left in the backup
  // directory (".NAME.partial", ".integrity-check-*").
  Maintenance(Database& db, const NoteVerifier& log_verifier, Options options);
  ~Maintenance();
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  // Backs up into <backup_dir>/<name>; an empty name means
  // "backup-<UTC time>". INVALID_ARGUMENT for a name that is not 1-100 of
  // [A-Za-z0-9._-] (not starting with '.'); ALREADY_EXISTS if taken;
  // UNAVAILABLE on I/O errors (nothing is left under the name).
  absl::StatusOr<BackupInfo> CreateBackup(const std::string& name);

  // Starts the online integrity check unless one is running; returns the
  // state after starting it.
  IntegrityCheckState StartIntegrityCheck();

  // The running or last check.
  IntegrityCheckState integrity_check() const;

 private:
  void RunCheck(std::string checkpoint_dir);

  Database& db_;
  const NoteVerifier& verifier_;
  const Options options_;
  absl::Mutex backup_mu_;  // One backup at a time.

  mutable absl::Mutex mu_;
  IntegrityCheckState state_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

// Copies the backup at `backup_path` (a directory CreateBackup made) into
// `db_dir`, which must not exist, then syncs it. Returns the backup's
// manifest. ALREADY_EXISTS if `db_dir` exists (restore into a fresh
// directory); NOT_FOUND / DATA_LOSS if `backup_path` is not a backup.
absl::StatusOr<BackupInfo> RestoreBackup(const std::string& backup_path, const std::string& db_dir);

// Reads the manifest of the backup at `backup_path`.
absl::StatusOr<BackupInfo> ReadBackupManifest(const std::string& backup_path);

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_MAINTENANCE_H_
