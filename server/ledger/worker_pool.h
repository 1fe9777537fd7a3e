// A fixed pool of threads running queued tasks: where signature checks run,
// in parallel on all cores, before the single log writer.
//
// A pool may run at a lower CPU priority than the rest of the process (a
// higher nice value, which needs no privilege): the signature checks yield
// the core to the log writer, the one serial stage, which otherwise waits
// for a core behind them and holds every receipt up.
//
//   WorkerPool pool(std::thread::hardware_concurrency());
//   pool.Schedule([] { ... });
//
// Thread-safety: Schedule() is safe from any thread. The destructor runs
// every task already queued, then joins.
#ifndef LINEAGE_SERVER_LEDGER_WORKER_POOL_H_
#define LINEAGE_SERVER_LEDGER_WORKER_POOL_H_

#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace lineage {

class WorkerPool {
 public:
  // Starts `threads` workers (at least one), each `nice_increment` nice
  // levels below the starting thread's priority (0: the same; capped at 19;
  // a failure to lower it is ignored: it changes speed, not results).
  explicit WorkerPool(int threads, int nice_increment = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Schedule(absl::AnyInvocable<void() &&> task);

  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Run(int nice_increment);

  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_WORKER_POOL_H_
