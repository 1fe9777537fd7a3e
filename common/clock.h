// Time source for the log writer and key-validity checks.
//
// The server takes integration times from a Clock so tests can inject a
// fixed or stepping one (the only non-deterministic seam we fake).
//
// Thread-safety: implementations must be safe to call from any thread.
#ifndef LINEAGE_COMMON_CLOCK_H_
#define LINEAGE_COMMON_CLOCK_H_

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace lineage {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system's real-time clock.
class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A settable clock for tests.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start) : micros_(absl::ToUnixMicros(start)) {}
  absl::Time Now() const override { return absl::FromUnixMicros(micros_.load()); }
  void Set(absl::Time t) { micros_.store(absl::ToUnixMicros(t)); }
  void Advance(absl::Duration d) { micros_.fetch_add(absl::ToInt64Microseconds(d)); }

 private:
  std::atomic<int64_t> micros_;
};

}  // namespace lineage

#endif  // LINEAGE_COMMON_CLOCK_H_
