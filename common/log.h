// Minimal leveled logging to stderr for the server and tools.
//
// Debian 12's Abseil has no absl/log, so this is the project's logger: one
// line per call, prefixed with UTC time and level. Never pass secrets (private
// keys, salts, event payloads) to it.
//
//   LOG_INFO("listening on ", address);
//
// Thread-safety: safe to call from any thread; lines are written atomically.
#ifndef LINEAGE_COMMON_LOG_H_
#define LINEAGE_COMMON_LOG_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace lineage {

enum class LogLevel { kInfo, kWarning, kError };

// Writes one line to stderr. Prefer the LOG_* macros.
void WriteLogLine(LogLevel level, absl::string_view message);

// Suppresses kInfo lines (tests and benchmarks keep output short).
void SetQuietLogging(bool quiet);

}  // namespace lineage

#define LOG_INFO(...) \
  ::lineage::WriteLogLine(::lineage::LogLevel::kInfo, ::absl::StrCat(__VA_ARGS__))
#define LOG_WARNING(...) \
  ::lineage::WriteLogLine(::lineage::LogLevel::kWarning, ::absl::StrCat(__VA_ARGS__))
#define LOG_ERROR(...) \
  ::lineage::WriteLogLine(::lineage::LogLevel::kError, ::absl::StrCat(__VA_ARGS__))

#endif  // LINEAGE_COMMON_LOG_H_
