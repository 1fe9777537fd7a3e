// ThreadUsage: what the calling thread has used so far (CPU time, times the
// kernel took the core away, page faults that read the disk, blocks read),
// from getrusage(RUSAGE_THREAD). The difference of two snapshots around a
// slow step says whether it computed, waited for a core, or waited for the
// disk: what an operator chasing a latency spike asks first.
//
//   ThreadUsage before = ThreadUsage::Now();
//   ... slow step ...
//   LOG_WARNING("step: ", ThreadUsage::Now().Since(before).Describe());
#ifndef LINEAGE_COMMON_THREAD_USAGE_H_
#define LINEAGE_COMMON_THREAD_USAGE_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace lineage {

struct ThreadUsage {
  absl::Duration cpu;             // User + system time.
  int64_t preempted = 0;          // Involuntary context switches.
  int64_t waited = 0;             // Voluntary context switches (locks, I/O).
  int64_t major_faults = 0;       // Page faults that read from disk.
  int64_t blocks_read = 0;        // File system input operations.

  // The calling thread's totals; all zero where getrusage cannot tell.
  static ThreadUsage Now();
  // This snapshot less an earlier one of the same thread.
  ThreadUsage Since(const ThreadUsage& earlier) const;
  // "on CPU 1.2ms, preempted 3 times, waited 1 time, 0 major faults, 0 blocks read".
  std::string Describe() const;
};

}  // namespace lineage

#endif  // LINEAGE_COMMON_THREAD_USAGE_H_
