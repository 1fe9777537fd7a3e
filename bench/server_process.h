// ServerProcess: a real `lineaged` started as a child process for a
// benchmark, on its own data directory and loopback port, and stopped (then
// killed if it lingers) when the object goes away. Also reads the child's
// CPU time and memory from /proc, per process and per thread.
//
//   ASSIGN_OR_RETURN(auto server, ServerProcess::Start({.binary = path, .data_dir = dir,
//                                                       .port = PickFreeLoopbackPort()}));
//   ProcessUsage before = server->Usage();
//
// The child gets PR_SET_PDEATHSIG(SIGKILL), so it dies with the benchmark
// even if the benchmark crashes. Linux only.
//
// Thread-safety: not thread-safe; use from one thread.
#ifndef LINEAGE_BENCH_SERVER_PROCESS_H_
#define LINEAGE_BENCH_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace lineage::bench {

// A free TCP port on 127.0.0.1 (bound once and released; a small race with
// other programs is accepted). 0 if none could be found.
int PickFreeLoopbackPort();

// A fresh directory under `parent` ("" means $TMPDIR or /tmp), removed with
// everything in it when the object goes away unless keep() was called.
class TempDir {
 public:
  static absl::StatusOr<std::unique_ptr<TempDir>> Create(const std::string& parent,
                                                         const std::string& prefix);
  ~TempDir();
  const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
  bool keep_ = false;
};

// The file system type of `path` as a word ("ext4", "tmpfs", "xfs", or the
// magic number in hex).
std::string FileSystemType(const std::string& path);

// CPU time and memory of a process, from /proc/<pid>/stat and status.
struct ProcessUsage {
  double cpu_seconds = 0;  // utime + stime.
  long rss_kib = 0;        // VmRSS.
  long hwm_kib = 0;        // VmHWM: peak resident set.
  int threads = 0;
};

// CPU time of one thread, from /proc/<pid>/task/<tid>/stat.
struct ThreadUsage {
  int tid = 0;
  std::string name;  // comm, as set by pthread_setname_np (or the program's name).
  double cpu_seconds = 0;
};

struct ServerProcessOptions {
  std::string binary;                   // Path of lineaged.
  std::string data_dir;                 // --data_dir; lineaged creates it.
  int port = 0;                         // Listens on 127.0.0.1:<port>.
  std::vector<std::string> extra_args;  // Appended to the command line.
  std::string log_file;                 // stdout and stderr go here.
};

class ServerProcess {
 public:
  // Forks and execs the server. FAILED_PRECONDITION if the binary is not
  // executable; INTERNAL if fork fails. Does not wait for it to serve.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(const ServerProcessOptions& options);

  // Stop(10 s) if still running.
  ~ServerProcess();

  // SIGTERM, then SIGKILL if it has not exited after `grace`. OK if it
  // exited with status 0 after SIGTERM; otherwise INTERNAL naming how.
  absl::Status Stop(absl::Duration grace);

  // OK while the child runs; FAILED_PRECONDITION saying how it ended.
  absl::Status CheckRunning();

  pid_t pid() const { return pid_; }
  std::string address() const;
  const ServerProcessOptions& options() const { return options_; }

  ProcessUsage Usage() const;
  std::vector<ThreadUsage> Threads() const;

  // The last `lines` lines of the server's log, for error messages.
  std::string LogTail(int lines) const;

 private:
  ServerProcess(ServerProcessOptions options, pid_t pid)
      : options_(std::move(options)), pid_(pid) {}
  ServerProcessOptions options_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_status_ = 0;
};

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_SERVER_PROCESS_H_
