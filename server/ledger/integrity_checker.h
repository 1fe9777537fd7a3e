// IntegrityChecker: the full, end-to-end check of a ledger's data, offline
// (`lineaged --verify`) or online on a consistent copy (AdminService
// VerifyIntegrity). It finds damage the start-up check cannot see.
//
// For a tree of n entries it
//   - checks every live SST file's block checksums (damage RocksDB detects);
//   - reads every leaf and entry 0..n-1: the leaf decodes, its integration
//     time does not go back, and it commits (SHA-256(salt || record)) to the
//     stored envelope record, whose kind and key ID match the leaf;
//   - re-verifies every producer signature, under the key as the log's own
//     KEY_REGISTERED / KEY_REVOKED entries before it define it, and checks
//     the key was usable at the entry's integration time;
//   - recomputes every stored tree node and the root, and matches it with
//     meta/tree_head and with every trusted checkpoint (the stored one,
//     whose signature it checks, and any given by the operator);
//   - replays the log into each derived index (event_ids, leaf_index, keys,
//     and whatever else DefaultDerivedIndexCheckers lists) and compares;
//   - reports leaves and entries beyond the tree.
// Every problem is a finding naming the column, key, log index, and what
// was expected; the check goes on after one, so it reports all of them.
//
//   IntegrityChecker checker(store, signer.verifier(), {});
//   ASSIGN_OR_RETURN(IntegrityReport report, checker.Run());
//   for (const IntegrityFinding& f : report.findings) std::cout << f.ToString();
//
// Memory: O(keys) plus O(log n); the log itself is streamed.
// Thread-safety: one Run at a time. The store must not change during the
// run (check a stopped ledger, a backup, or a RocksDB checkpoint).
#ifndef LINEAGE_SERVER_LEDGER_INTEGRITY_CHECKER_H_
#define LINEAGE_SERVER_LEDGER_INTEGRITY_CHECKER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crypto/signed_note.h"
#include "server/ledger/derived_index_checker.h"
#include "server/ledger/integrity_finding.h"
#include "storage/log_store.h"

namespace lineage {

// Makes a derived-index checker over the store being checked.
using DerivedIndexCheckerFactory =
    std::function<std::unique_ptr<DerivedIndexChecker>(const LogStore& store)>;

struct IntegrityReport {
  uint64_t tree_size = 0;            // Entries replayed.
  uint64_t signatures_verified = 0;  // Producer signatures that verified.
  uint64_t nodes_checked = 0;        // Stored tree nodes recomputed.
  uint64_t checkpoints_matched = 0;  // Trusted checkpoints checked.
  bool complete = false;             // False if the check was cancelled.
  uint64_t finding_count = 0;        // All findings, kept or not.
  std::vector<IntegrityFinding> findings;  // The first max_findings.

  bool ok() const { return complete && finding_count == 0; }
};

class IntegrityChecker {
 public:
  struct Options {
    // Findings kept in the report (all are counted).
    size_t max_findings = 1000;
    // Signed checkpoint notes the operator trusts (handed to clients,
    // witnessed), with where each came from. Each must verify under the log
    // key and match the recomputed root at its size.
    std::vector<std::pair<std::string, std::string>> checkpoints;
    // Called every 1,024 entries with (entries done, tree size); returning
    // false cancels the check. Online checks sleep here to stay light.
    std::function<bool(uint64_t done, uint64_t total)> progress;
    // Checkers of derived indexes kept by layers above the ledger (the
    // lineage graph), made for the store being checked; they run after the
    // log's own (DefaultDerivedIndexCheckers).
    std::vector<DerivedIndexCheckerFactory> derived_index_checkers;
    // Threads verifying producer signatures (most of the CPU); 0 means one
    // per core.
    int verify_threads = 0;
  };

  // `log_verifier` is the log's checkpoint key. Both must outlive the checker.
  IntegrityChecker(const LogStore& store, const NoteVerifier& log_verifier, Options options);

  // Adds a derived-index checker to run besides the default ones.
  void AddChecker(std::unique_ptr<DerivedIndexChecker> checker);

  // Runs the check. Damage is reported as findings, never as an error; an
  // error means the check could not run at all.
  absl::StatusOr<IntegrityReport> Run();

 private:
  class Replay;

  const LogStore& store_;
  const NoteVerifier& verifier_;
  Options options_;
  std::vector<std::unique_ptr<DerivedIndexChecker>> extra_;
};

// Opens the RocksDB directory `db_dir` read-only and runs the full check on
// it. Damage that keeps RocksDB from opening it (a truncated or corrupted
// file) is returned as a report with that finding. UNAVAILABLE if the
// directory cannot be read at all.
absl::StatusOr<IntegrityReport> VerifyDatabase(const std::string& db_dir,
                                               const NoteVerifier& log_verifier,
                                               IntegrityChecker::Options options);

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_INTEGRITY_CHECKER_H_
