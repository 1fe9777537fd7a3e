// What lineaged does instead of (or before) serving, on a stopped data
// directory: the full offline integrity check (`lineaged --verify`) and
// restoring a backup (`lineaged --restore_from=DIR`). See
// docs/operations.md.
//
//   int exit_code = VerifyDataDirectory(db_dir, verifier, {}, {}, std::cout);
//
// Thread-safety: call from one thread, at start-up.
#ifndef LINEAGE_SERVER_OFFLINE_OPS_H_
#define LINEAGE_SERVER_OFFLINE_OPS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crypto/signed_note.h"
#include "server/ledger/integrity_checker.h"

namespace lineage {

// Exit codes of `lineaged --verify`.
inline constexpr int kVerifyOk = 0;         // Every check passed.
inline constexpr int kVerifyDamage = 1;     // Damage found; the report names it.
inline constexpr int kVerifyCannotRun = 2;  // The directory or a file could not be read.

// A verifier key given inline ("origin+id+key") or as a file holding one.
// INVALID_ARGUMENT if neither parses.
absl::StatusOr<NoteVerifier> LoadVerifierKey(const std::string& vkey_or_file);

// Runs the full integrity check on the RocksDB directory `db_dir` and
// prints the report to `out`: a summary line, then one line per finding.
// `checkpoint_files` hold signed checkpoints the operator trusts (handed to
// clients, witnessed); each must match. Returns one of the exit codes above.
int VerifyDataDirectory(const std::string& db_dir, const NoteVerifier& verifier,
                        const std::vector<std::string>& checkpoint_files,
                        std::vector<DerivedIndexCheckerFactory> checkers, std::ostream& out);

// Restores the backup at `backup_path` into `db_dir` (which must not exist)
// and runs the full check on the result. If the check finds damage, the
// restored copy is moved aside to "<db_dir>.rejected" and DATA_LOSS names
// the first finding. ALREADY_EXISTS / NOT_FOUND as RestoreBackup.
absl::Status RestoreAndVerify(const std::string& backup_path, const std::string& db_dir,
                              const NoteVerifier& verifier,
                              std::vector<DerivedIndexCheckerFactory> checkers, std::ostream& out);

// lineaged's offline modes, chosen by its flags.
struct OfflineModes {
  bool verify = false;           // --verify
  std::string restore_from;      // --restore_from
  std::string db_dir;            // <data_dir>/db
  std::string vkey;              // --vkey, or <log_key_file>.vkey
  std::vector<std::string> checkpoint_files;  // --verify_checkpoints
};

// Runs the modes `modes` asks for, printing to stdout. Returns lineaged's
// exit code, or -1 when lineaged should go on to serve (nothing asked, or
// a restore without --verify that succeeded).
int RunOfflineModes(const OfflineModes& modes, std::vector<DerivedIndexCheckerFactory> checkers);

}  // namespace lineage

#endif  // LINEAGE_SERVER_OFFLINE_OPS_H_
