#include "bench/machine_limit.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "absl/time/clock.h"

namespace lineage::bench {

VerifyRate MeasureVerifyRate(const Ed25519PublicKey& key, const std::vector<std::string>& messages,
                             const std::vector<std::string>& signatures, int threads,
                             absl::Duration duration) {
  struct PerThread {
    int64_t verifies = 0;
    int64_t failures = 0;
    double seconds = 0;
  };
  std::vector<PerThread> results(threads);
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      PerThread& r = results[t];
      size_t i = static_cast<size_t>(t) * 7;
      const auto start = std::chrono::steady_clock::now();
      while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 32; ++k, ++i) {
          const size_t m = i % messages.size();
          if (!key.Verify(messages[m], signatures[m]).ok()) ++r.failures;
          ++r.verifies;
        }
      }
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    });
  }
  absl::SleepFor(duration);
  stop.store(true);
  for (std::thread& w : workers) w.join();

  VerifyRate rate;
  rate.threads = threads;
  for (const PerThread& r : results) {
    rate.verifies += r.verifies;
    rate.failures += r.failures;
    if (r.seconds > 0) rate.per_second += static_cast<double>(r.verifies) / r.seconds;
  }
  return rate;
}

}  // namespace lineage::bench
