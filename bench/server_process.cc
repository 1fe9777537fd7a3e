#include "bench/server_process.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace lineage::bench {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Fields of /proc/.../stat after the "(comm)" field: [0] is field 3 (state).
std::vector<std::string> StatFieldsAfterComm(const std::string& stat, std::string* comm) {
  const size_t open = stat.find('(');
  const size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return {};
  if (comm != nullptr) *comm = stat.substr(open + 1, close - open - 1);
  return absl::StrSplit(stat.substr(close + 2), ' ', absl::SkipEmpty());
}

double CpuSecondsFromStat(const std::vector<std::string>& fields) {
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks.
  if (fields.size() < 13) return 0;
  long utime = 0, stime = 0;
  if (!absl::SimpleAtoi(fields[11], &utime) || !absl::SimpleAtoi(fields[12], &stime)) return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long StatusKib(const std::string& status, absl::string_view field) {
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (!absl::ConsumePrefix(&line, field) || !absl::ConsumePrefix(&line, ":")) continue;
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    long kib = 0;
    if (!words.empty() && absl::SimpleAtoi(words[0], &kib)) return kib;
  }
  return 0;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("killed by signal ", WTERMSIG(status));
  return absl::StrCat("ended with wait status ", status);
}

}  // namespace

int PickFreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

absl::StatusOr<std::unique_ptr<TempDir>> TempDir::Create(const std::string& parent,
                                                         const std::string& prefix) {
  std::string base = parent;
  if (base.empty()) {
    const char* env = std::getenv("TMPDIR");
    base = env != nullptr && *env != '\0' ? env : "/tmp";
  }
  std::string pattern = absl::StrCat(base, "/", prefix, "XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create a directory in ", base, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<TempDir>(new TempDir(pattern));
}

TempDir::~TempDir() {
  if (keep_) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string FileSystemType(const std::string& path) {
  struct statfs fs {};
  if (statfs(path.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53:
      return "ext4";  // ext2/3/4 share the magic.
    case 0x01021994:
      return "tmpfs";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    default:
      return absl::StrCat("0x", absl::Hex(static_cast<unsigned long>(fs.f_type)));
  }
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const ServerProcessOptions& options) {
  if (access(options.binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("lineaged binary ", options.binary, " is not executable (",
                     std::strerror(errno), "); build it (ninja lineaged) or pass --lineaged=PATH"));
  }
  std::vector<std::string> args = {options.binary, absl::StrCat("--data_dir=", options.data_dir),
                                   absl::StrCat("--listen=127.0.0.1:", options.port)};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // The parent died before prctl.
    const int log = open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      close(log);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  return std::unique_ptr<ServerProcess>(new ServerProcess(options, pid));
}

ServerProcess::~ServerProcess() {
  if (!reaped_) Stop(absl::Seconds(10)).IgnoreError();
}

absl::Status ServerProcess::CheckRunning() {
  if (!reaped_) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == 0) return absl::OkStatus();
    reaped_ = true;
    exit_status_ = status;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("lineaged (pid ", pid_, ") ", DescribeWaitStatus(exit_status_)));
}

absl::Status ServerProcess::Stop(absl::Duration grace) {
  if (!reaped_) {
    kill(pid_, SIGTERM);
    const absl::Time deadline = absl::Now() + grace;
    while (true) {
      int status = 0;
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || r < 0) {
        reaped_ = true;
        exit_status_ = status;
        break;
      }
      if (absl::Now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        reaped_ = true;
        return absl::InternalError(absl::StrCat("lineaged (pid ", pid_, ") did not stop within ",
                                                absl::FormatDuration(grace), "; killed"));
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
  }
  if (WIFEXITED(exit_status_) && WEXITSTATUS(exit_status_) == 0) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("lineaged (pid ", pid_, ") ", DescribeWaitStatus(exit_status_)));
}

std::string ServerProcess::address() const { return absl::StrCat("127.0.0.1:", options_.port); }

ProcessUsage ServerProcess::Usage() const {
  ProcessUsage usage;
  const std::string dir = absl::StrCat("/proc/", pid_);
  std::vector<std::string> fields = StatFieldsAfterComm(ReadText(dir + "/stat"), nullptr);
  usage.cpu_seconds = CpuSecondsFromStat(fields);
  if (fields.size() > 17) absl::SimpleAtoi(fields[17], &usage.threads);
  const std::string status = ReadText(dir + "/status");
  usage.rss_kib = StatusKib(status, "VmRSS");
  usage.hwm_kib = StatusKib(status, "VmHWM");
  return usage;
}

std::vector<ThreadUsage> ServerProcess::Threads() const {
  std::vector<ThreadUsage> out;
  const std::string dir = absl::StrCat("/proc/", pid_, "/task");
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* entry = readdir(d)) {
    ThreadUsage t;
    if (!absl::SimpleAtoi(entry->d_name, &t.tid)) continue;
    std::vector<std::string> fields =
        StatFieldsAfterComm(ReadText(absl::StrCat(dir, "/", t.tid, "/stat")), &t.name);
    t.cpu_seconds = CpuSecondsFromStat(fields);
    out.push_back(std::move(t));
  }
  closedir(d);
  return out;
}

std::string ServerProcess::LogTail(int lines) const {
  std::ifstream in(options_.log_file);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const std::string& line : tail) absl::StrAppend(&out, "  | ", line, "\n");
  return out;
}

}  // namespace lineage::bench
