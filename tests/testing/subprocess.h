// Running the project's real binaries from tests: a background server
// process, and commands whose exit code and output are checked.
#ifndef LINEAGE_TESTS_TESTING_SUBPROCESS_H_
#define LINEAGE_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace lineage::testing {

struct CommandResult {
  int exit_code = -1;  // -1 if it did not exit normally.
  std::string output;  // stdout and stderr together.
};

// Runs `command` through /bin/sh and waits for it.
CommandResult RunCommand(const std::string& command);

// A port on 127.0.0.1 that was free a moment ago.
int PickFreePort();

// A child process started with argv; stderr and stdout go to `log_path`.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();  // SIGKILLs the child if still running.

  // Sends `signal` and waits; returns the exit code (-1 if killed by a signal).
  int Stop(int signal);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_TESTING_SUBPROCESS_H_
