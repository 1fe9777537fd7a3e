#include "common/thread_usage.h"

#include <sys/resource.h>

#include "absl/strings/str_cat.h"

namespace lineage {

ThreadUsage ThreadUsage::Now() {
  ThreadUsage usage;
  struct rusage r {};
  if (getrusage(RUSAGE_THREAD, &r) != 0) return usage;
  usage.cpu = absl::DurationFromTimeval(r.ru_utime) + absl::DurationFromTimeval(r.ru_stime);
  usage.preempted = r.ru_nivcsw;
  usage.waited = r.ru_nvcsw;
  usage.major_faults = r.ru_majflt;
  usage.blocks_read = r.ru_inblock;
  return usage;
}

ThreadUsage ThreadUsage::Since(const ThreadUsage& earlier) const {
  ThreadUsage d;
  d.cpu = cpu - earlier.cpu;
  d.preempted = preempted - earlier.preempted;
  d.waited = waited - earlier.waited;
  d.major_faults = major_faults - earlier.major_faults;
  d.blocks_read = blocks_read - earlier.blocks_read;
  return d;
}

std::string ThreadUsage::Describe() const {
  return absl::StrCat("on CPU ", absl::FormatDuration(cpu), ", preempted ", preempted,
                      preempted == 1 ? " time" : " times", ", waited ", waited,
                      waited == 1 ? " time, " : " times, ", major_faults, " major faults, ",
                      blocks_read, " blocks read");
}

}  // namespace lineage
