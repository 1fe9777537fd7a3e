// WorkerPool: runs every task, on its own threads, at the priority asked.
#include "server/ledger/worker_pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace lineage {
namespace {

int ThisThreadNice() {
  errno = 0;
  return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
}

TEST(WorkerPoolTest, RunsEveryTaskBeforeItIsDestroyed) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(3);
    EXPECT_EQ(pool.size(), 3);
    for (int i = 0; i < 1000; ++i) pool.Schedule([&ran] { ran.fetch_add(1); });
  }
  EXPECT_EQ(ran.load(), 1000);
}

TEST(WorkerPoolTest, WorkersRunBelowTheCallersPriority) {
  const int base = ThisThreadNice();
  ASSERT_LE(base, 14) << "the test process already runs at nice " << base;
  absl::Mutex mu;
  std::vector<int> seen;
  std::set<std::thread::id> threads;
  {
    WorkerPool pool(2, /*nice_increment=*/5);
    for (int i = 0; i < 64; ++i) {
      pool.Schedule([&] {
        const int nice = ThisThreadNice();
        absl::MutexLock lock(&mu);
        seen.push_back(nice);
        threads.insert(std::this_thread::get_id());
      });
    }
  }
  ASSERT_EQ(seen.size(), 64u);
  for (int nice : seen) EXPECT_EQ(nice, base + 5);
  EXPECT_FALSE(threads.count(std::this_thread::get_id()));
  // Only the pool's threads were lowered, not the caller's.
  EXPECT_EQ(ThisThreadNice(), base);
}

TEST(WorkerPoolTest, NoIncrementKeepsThePriority) {
  const int base = ThisThreadNice();
  std::atomic<int> nice{-100};
  {
    WorkerPool pool(1);
    pool.Schedule([&nice] { nice = ThisThreadNice(); });
  }
  EXPECT_EQ(nice.load(), base);
}

}  // namespace
}  // namespace lineage
