#include "server/ledger/maintenance.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/log_store.h"

namespace lineage {
namespace fs = std::filesystem;
namespace {

absl::Status ValidateBackupName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 100 && name[0] != '.';
  for (char c : name) ok = ok && (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-');
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "name: got \"", name.substr(0, 120), "\", want 1-100 of [A-Za-z0-9._-], not starting with '.'"));
}

absl::Status FsError(const std::error_code& ec, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", ec.message()));
}

// fsyncs `path` (a file or a directory).
absl::Status SyncPath(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("opening ", path.string(), " to sync"));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return absl::UnavailableError(absl::StrCat("syncing ", path.string()));
  return absl::OkStatus();
}

// fsyncs every file under `dir`, then the directories.
absl::Status SyncTree(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir, ec)) {
    RETURN_IF_ERROR(SyncPath(e.path()));
  }
  if (ec) return FsError(ec, absl::StrCat("listing ", dir.string()));
  return SyncPath(dir);
}

std::string FormatManifest(const BackupInfo& info) {
  return absl::StrCat(kBackupManifestHeader, "\n", "name: ", info.name, "\n",
                      "created: ", absl::FormatTime(absl::RFC3339_sec, info.created, absl::UTCTimeZone()),
                      "\n", "tree_size: ", info.tree_size, "\n", "root: ", HashToHex(info.root), "\n");
}

// Runs the current thread at the lowest CPU and I/O priority (Linux).
void LowerThreadPriority() {
  const pid_t tid = static_cast<pid_t>(::syscall(SYS_gettid));
  ::setpriority(PRIO_PROCESS, tid, 19);
  constexpr int kIoprioWhoProcess = 1, kIoprioClassIdle = 3, kIoprioClassShift = 13;
  ::syscall(SYS_ioprio_set, kIoprioWhoProcess, tid, kIoprioClassIdle << kIoprioClassShift);
}

}  // namespace

absl::StatusOr<BackupInfo> ReadBackupManifest(const std::string& backup_path) {
  absl::StatusOr<std::string> text = ReadFile(absl::StrCat(backup_path, "/", kBackupManifestFile));
  if (!text.ok()) {
    return absl::NotFoundError(absl::StrCat(backup_path, " is not a backup (no ",
                                            kBackupManifestFile, " file): ", text.status().message()));
  }
  std::vector<std::string> lines = absl::StrSplit(*text, '\n', absl::SkipEmpty());
  if (lines.empty() || lines[0] != kBackupManifestHeader) {
    return absl::DataLossError(absl::StrCat(backup_path, "/", kBackupManifestFile,
                                            ": want first line \"", kBackupManifestHeader, "\""));
  }
  BackupInfo info;
  info.path = backup_path;
  bool have_size = false, have_root = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<std::string, std::string> kv = absl::StrSplit(lines[i], absl::MaxSplits(": ", 1));
    if (kv.first == "name") info.name = kv.second;
    if (kv.first == "tree_size") have_size = absl::SimpleAtoi(kv.second, &info.tree_size);
    if (kv.first == "root") {
      absl::StatusOr<Hash> root = HashFromHex(kv.second, "root");
      have_root = root.ok();
      if (root.ok()) info.root = *root;
    }
    if (kv.first == "created") {
      std::string err;
      absl::ParseTime(absl::RFC3339_full, kv.second, &info.created, &err);
    }
  }
  if (!have_size || !have_root) {
    return absl::DataLossError(absl::StrCat(backup_path, "/", kBackupManifestFile,
                                            ": tree_size or root missing or malformed"));
  }
  absl::StatusOr<std::string> note = ReadFile(absl::StrCat(backup_path, "/", kBackupCheckpointFile));
  if (note.ok()) info.checkpoint_note = *note;
  return info;
}

Maintenance::Maintenance(Database& db, const NoteVerifier& log_verifier, Options options)
    : db_(db), verifier_(log_verifier), options_(std::move(options)) {
  // What a crash mid-backup or mid-check left behind: never a whole backup
  // (those are renamed into place only when complete), so remove it.
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(options_.backup_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (absl::StartsWith(name, ".integrity-check-") ||
        (absl::StartsWith(name, ".") && absl::EndsWith(name, ".partial"))) {
      LOG_WARNING("removing ", e.path().string(), ", left by an interrupted backup or check");
      std::error_code ignored;
      fs::remove_all(e.path(), ignored);
    }
  }
}

Maintenance::~Maintenance() {
  cancel_.store(true);
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<BackupInfo> Maintenance::CreateBackup(const std::string& requested) {
  const absl::Time start = absl::Now();
  const std::string name =
      requested.empty()
          ? absl::StrCat("backup-", absl::FormatTime("%Y%m%dT%H%M%E3SZ", start, absl::UTCTimeZone()))
          : requested;
  RETURN_IF_ERROR(ValidateBackupName(name));
  absl::MutexLock lock(&backup_mu_);
  std::error_code ec;
  fs::create_directories(options_.backup_dir, ec);
  if (ec) return FsError(ec, absl::StrCat("creating ", options_.backup_dir));
  const fs::path target = fs::path(options_.backup_dir) / name;
  if (fs::exists(target)) {
    return absl::AlreadyExistsError(absl::StrCat("backup ", target.string(), " already exists"));
  }
  const fs::path partial = fs::path(options_.backup_dir) / absl::StrCat(".", name, ".partial");
  fs::remove_all(partial, ec);
  fs::create_directories(partial, ec);
  if (ec) return FsError(ec, absl::StrCat("creating ", partial.string()));

  auto fail = [&](absl::Status s) {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    return s;
  };
  absl::Status copied = db_.CreateCheckpoint((partial / "db").string());
  if (!copied.ok()) return fail(copied);

  // What the copy holds, read from the copy itself.
  BackupInfo info;
  info.name = name;
  info.path = target.string();
  info.created = start;
  {
    absl::StatusOr<std::unique_ptr<Database>> copy = Database::Open(
        {.path = (partial / "db").string(), .block_cache_bytes = 8 << 20, .read_only = true});
    if (!copy.ok()) return fail(copy.status());
    LogStore store(**copy);
    absl::StatusOr<TreeHead> head = store.ReadTreeHead();
    if (!head.ok()) return fail(head.status());
    info.tree_size = head->size;
    info.root = head->root;
    absl::StatusOr<std::string> note = store.ReadLatestCheckpoint();
    if (note.ok()) info.checkpoint_note = *note;
  }
  absl::Status wrote = ReplaceFile((partial / kBackupManifestFile).string(), FormatManifest(info));
  if (wrote.ok() && !info.checkpoint_note.empty()) {
    wrote = ReplaceFile((partial / kBackupCheckpointFile).string(), info.checkpoint_note);
  }
  if (wrote.ok()) wrote = SyncTree(partial);
  if (!wrote.ok()) return fail(wrote);
  fs::rename(partial, target, ec);
  if (ec) return fail(FsError(ec, absl::StrCat("renaming to ", target.string())));
  RETURN_IF_ERROR(SyncPath(options_.backup_dir));
  info.took = absl::Now() - start;
  LOG_INFO("backup ", info.path, ": ", info.tree_size, " entries in ", absl::FormatDuration(info.took));
  return info;
}

absl::StatusOr<BackupInfo> RestoreBackup(const std::string& backup_path, const std::string& db_dir) {
  ASSIGN_OR_RETURN(BackupInfo info, ReadBackupManifest(backup_path));
  const fs::path source = fs::path(backup_path) / "db";
  if (!fs::is_directory(source)) {
    return absl::DataLossError(absl::StrCat(backup_path, " has no db/ directory"));
  }
  if (fs::exists(db_dir)) {
    return absl::AlreadyExistsError(absl::StrCat(
        db_dir, " already exists: restore into a fresh data directory, never over a live one"));
  }
  const fs::path partial = absl::StrCat(db_dir, ".restoring");
  std::error_code ec;
  fs::remove_all(partial, ec);
  fs::create_directories(partial.parent_path(), ec);
  fs::copy(source, partial, fs::copy_options::recursive, ec);
  if (ec) return FsError(ec, absl::StrCat("copying ", source.string(), " to ", partial.string()));
  RETURN_IF_ERROR(SyncTree(partial));
  fs::rename(partial, db_dir, ec);
  if (ec) return FsError(ec, absl::StrCat("renaming to ", db_dir));
  RETURN_IF_ERROR(SyncPath(fs::path(db_dir).parent_path()));
  return info;
}

IntegrityCheckState Maintenance::StartIntegrityCheck() {
  absl::MutexLock lock(&mu_);
  if (state_.phase == IntegrityCheckState::Phase::kRunning) return state_;
  if (thread_.joinable()) thread_.join();  // The last one has finished.
  state_ = IntegrityCheckState();
  state_.phase = IntegrityCheckState::Phase::kRunning;
  state_.started = absl::Now();
  const std::string dir = (fs::path(options_.backup_dir) /
                           absl::StrCat(".integrity-check-", absl::ToUnixMicros(state_.started)))
                              .string();
  thread_ = std::thread([this, dir] { RunCheck(dir); });
  return state_;
}

IntegrityCheckState Maintenance::integrity_check() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

void Maintenance::RunCheck(std::string checkpoint_dir) {
  LowerThreadPriority();
  std::error_code ec;
  fs::create_directories(options_.backup_dir, ec);
  const absl::Status copied = db_.CreateCheckpoint(checkpoint_dir);
  absl::StatusOr<IntegrityReport> report = absl::UnknownError("not run");
  if (!copied.ok()) report = copied;
  if (copied.ok()) {
    const absl::Time start = absl::Now();
    IntegrityChecker::Options options;
    options.derived_index_checkers = options_.derived_index_checkers;
    options.verify_threads = 1;  // Low priority: leave the cores to ingestion.
    options.progress = [&](uint64_t done, uint64_t total) {
      {
        absl::MutexLock lock(&mu_);
        state_.entries_done = done;
        state_.tree_size = total;
      }
      // Throttle: never ahead of the configured rate.
      const absl::Duration due =
          absl::Seconds(static_cast<double>(done) / options_.check_entries_per_second);
      const absl::Duration ahead = due - (absl::Now() - start);
      if (ahead > absl::ZeroDuration()) absl::SleepFor(std::min(ahead, absl::Seconds(1)));
      return !cancel_.load();
    };
    report = VerifyDatabase(checkpoint_dir, verifier_, std::move(options));
  }
  fs::remove_all(checkpoint_dir, ec);
  absl::MutexLock lock(&mu_);
  state_.finished = absl::Now();
  if (!report.ok()) {
    state_.phase = IntegrityCheckState::Phase::kFailed;
    state_.error = report.status();
    LOG_ERROR("online integrity check could not run: ", report.status().ToString());
    return;
  }
  state_.phase = report->complete ? IntegrityCheckState::Phase::kDone
                                  : IntegrityCheckState::Phase::kFailed;
  if (!report->complete) state_.error = absl::CancelledError("the integrity check was cancelled");
  state_.entries_done = report->tree_size;
  state_.tree_size = report->tree_size;
  state_.report = *std::move(report);
  if (state_.report.finding_count > 0) {
    LOG_ERROR("online integrity check: ", state_.report.finding_count, " findings; first: ",
              state_.report.findings.empty() ? "" : state_.report.findings[0].ToString());
  } else if (state_.phase == IntegrityCheckState::Phase::kDone) {
    LOG_INFO("online integrity check: ", state_.report.tree_size, " entries verified, no findings");
  }
}

}  // namespace lineage
