#include "server/offline_ops.h"

#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "server/ledger/maintenance.h"

namespace lineage {

absl::StatusOr<NoteVerifier> LoadVerifierKey(const std::string& vkey_or_file) {
  absl::StatusOr<NoteVerifier> inline_key = NoteVerifier::Parse(vkey_or_file);
  if (inline_key.ok()) return inline_key;
  absl::StatusOr<std::string> text = ReadFile(vkey_or_file);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "verifier key: \"", vkey_or_file, "\" is neither a key nor a readable file: ",
        text.status().message()));
  }
  return NoteVerifier::Parse(absl::StripAsciiWhitespace(*text));
}

int VerifyDataDirectory(const std::string& db_dir, const NoteVerifier& verifier,
                        const std::vector<std::string>& checkpoint_files,
                        std::vector<DerivedIndexCheckerFactory> checkers, std::ostream& out) {
  IntegrityChecker::Options options;
  options.derived_index_checkers = std::move(checkers);
  for (const std::string& file : checkpoint_files) {
    absl::StatusOr<std::string> note = ReadFile(file);
    if (!note.ok()) {
      out << "cannot read checkpoint " << file << ": " << note.status() << "\n";
      return kVerifyCannotRun;
    }
    options.checkpoints.emplace_back(file, *note);
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<IntegrityReport> report = VerifyDatabase(db_dir, verifier, std::move(options));
  if (!report.ok()) {
    out << "cannot verify " << db_dir << ": " << report.status() << "\n";
    return kVerifyCannotRun;
  }
  const std::string took = absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1)));
  if (report->ok()) {
    out << "verified " << db_dir << " in " << took << ": " << report->tree_size << " entries, "
        << report->signatures_verified << " producer signatures, " << report->nodes_checked
        << " tree nodes, " << report->checkpoints_matched
        << " signed checkpoints matched; no damage found\n";
    return kVerifyOk;
  }
  out << "DAMAGE in " << db_dir << ": " << report->finding_count << " findings (checked "
      << report->tree_size << " entries in " << took << ")\n";
  for (const IntegrityFinding& f : report->findings) out << "  " << f.ToString() << "\n";
  if (report->finding_count > report->findings.size()) {
    out << "  ... and " << report->finding_count - report->findings.size() << " more\n";
  }
  return kVerifyDamage;
}

absl::Status RestoreAndVerify(const std::string& backup_path, const std::string& db_dir,
                              const NoteVerifier& verifier,
                              std::vector<DerivedIndexCheckerFactory> checkers, std::ostream& out) {
  const absl::Time start = absl::Now();
  absl::StatusOr<BackupInfo> info = RestoreBackup(backup_path, db_dir);
  if (!info.ok()) return info.status();
  const absl::Time copied = absl::Now();
  out << "restored backup " << backup_path << " (" << info->tree_size << " entries, root "
      << HashToHex(info->root) << ") into " << db_dir << " in "
      << absl::FormatDuration(absl::Trunc(copied - start, absl::Milliseconds(1))) << "\n";
  IntegrityChecker::Options options;
  options.derived_index_checkers = std::move(checkers);
  if (!info->checkpoint_note.empty()) options.checkpoints.emplace_back("backup checkpoint", info->checkpoint_note);
  absl::StatusOr<IntegrityReport> report = VerifyDatabase(db_dir, verifier, std::move(options));
  if (report.ok() && report->ok() && report->tree_size == info->tree_size) {
    out << "verified the restored copy in "
        << absl::FormatDuration(absl::Trunc(absl::Now() - copied, absl::Milliseconds(1))) << ": "
        << report->tree_size << " entries, " << report->signatures_verified
        << " producer signatures\n";
    return absl::OkStatus();
  }
  std::error_code ec;
  std::filesystem::rename(db_dir, db_dir + ".rejected", ec);
  if (!report.ok()) return report.status();
  std::string why = report->findings.empty()
                        ? absl::StrCat("it holds ", report->tree_size, " entries, its manifest says ",
                                       info->tree_size)
                        : report->findings[0].ToString();
  return absl::DataLossError(absl::StrCat("the restored backup does not verify (moved to ", db_dir,
                                          ".rejected): ", report->finding_count, " findings; first: ",
                                          why));
}

int RunOfflineModes(const OfflineModes& modes, std::vector<DerivedIndexCheckerFactory> checkers) {
  if (!modes.verify && modes.restore_from.empty()) return -1;
  absl::StatusOr<NoteVerifier> verifier = LoadVerifierKey(modes.vkey);
  if (!verifier.ok()) {
    std::cout << "cannot load the log's verifier key: " << verifier.status()
              << " (give --vkey, or the log key file's .vkey beside it)\n";
    return kVerifyCannotRun;
  }
  if (!modes.restore_from.empty()) {
    absl::Status restored =
        RestoreAndVerify(modes.restore_from, modes.db_dir, *verifier, checkers, std::cout);
    if (!restored.ok()) {
      std::cout << "restore failed: " << restored << "\n";
      return absl::IsDataLoss(restored) ? kVerifyDamage : kVerifyCannotRun;
    }
    if (!modes.verify) return -1;  // Restored and verified: serve it.
    return kVerifyOk;
  }
  return VerifyDataDirectory(modes.db_dir, *verifier, modes.checkpoint_files, std::move(checkers),
                             std::cout);
}

}  // namespace lineage
