// ThreadUsage: the per-thread figures the log writer's slow-group warning
// reports (CPU time against waiting).
#include "common/thread_usage.h"

#include <unistd.h>

#include <chrono>
#include <cstdint>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lineage {
namespace {

using ::testing::HasSubstr;

// Spins until the thread itself has used `cpu` of CPU time.
uint64_t Spin(absl::Duration cpu) {
  const ThreadUsage start = ThreadUsage::Now();
  uint64_t x = 1;
  while (ThreadUsage::Now().Since(start).cpu < cpu) {
    for (int i = 0; i < 100000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  return x;
}

TEST(ThreadUsageTest, CountsCpuTimeSpent) {
  const ThreadUsage before = ThreadUsage::Now();
  volatile uint64_t sink = Spin(absl::Milliseconds(30));
  (void)sink;
  const ThreadUsage spent = ThreadUsage::Now().Since(before);
  EXPECT_GE(spent.cpu, absl::Milliseconds(30));
  EXPECT_LT(spent.cpu, absl::Seconds(5));
}

TEST(ThreadUsageTest, SleepingIsWaitingNotCpu) {
  const ThreadUsage before = ThreadUsage::Now();
  usleep(50000);
  const ThreadUsage spent = ThreadUsage::Now().Since(before);
  EXPECT_LT(spent.cpu, absl::Milliseconds(20));
  EXPECT_GE(spent.waited, 1);  // Sleeping gives the core up voluntarily.
  EXPECT_GE(spent.preempted, 0);
}

TEST(ThreadUsageTest, DescribesEveryFigure) {
  ThreadUsage usage;
  usage.cpu = absl::Milliseconds(12);
  usage.preempted = 1;
  usage.waited = 3;
  usage.major_faults = 2;
  usage.blocks_read = 8;
  EXPECT_EQ(usage.Describe(),
            "on CPU 12ms, preempted 1 time, waited 3 times, 2 major faults, 8 blocks read");
  const ThreadUsage zero = usage.Since(usage);
  EXPECT_THAT(zero.Describe(), HasSubstr("on CPU 0, preempted 0 times, waited 0 times"));
}

}  // namespace
}  // namespace lineage
