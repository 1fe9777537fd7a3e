#include "common/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lineage {
namespace {

std::atomic<bool> quiet_logging{false};

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

}  // namespace

void SetQuietLogging(bool quiet) { quiet_logging.store(quiet); }

void WriteLogLine(LogLevel level, absl::string_view message) {
  if (level == LogLevel::kInfo && quiet_logging.load()) return;
  std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " ", LevelName(level), " ", message, "\n");
  // One write(2) per line keeps concurrent lines from interleaving.
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

}  // namespace lineage
