// What a benchmark run needs to account for itself: latency percentiles,
// CPU time of the server, the client and everything else on the machine
// (another build on a shared VM shows up as "other"), and a description of
// the machine. Linux only (reads /proc).
//
//   PhaseMeter meter(server);
//   ... run a phase ...
//   PhaseCost cost = meter.Stop();
//   Percentiles p = Summarize(BatchLatencies(result));
//
// Thread-safety: plain functions and values; a PhaseMeter belongs to one thread.
#ifndef LINEAGE_BENCH_RUN_STATS_H_
#define LINEAGE_BENCH_RUN_STATS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/ingest_load.h"
#include "bench/server_process.h"

namespace lineage::bench {

// Latency percentiles in milliseconds (nearest rank).
struct Percentiles {
  size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};
Percentiles Summarize(std::vector<int64_t> nanos);

// Batch latencies (due -> acknowledged) of every answered batch.
std::vector<int64_t> BatchLatencies(const LoadResult& result);

// Per-event latency when events arrive evenly at `rate` events/s and a batch
// is sent as its last event arrives: the batch's latency plus the event's
// wait for its batch to fill.
std::vector<int64_t> EventLatenciesWithFill(const LoadResult& result, double rate);

// Accepted events per second in each of `slices` equal slices of the run's
// wall time (by acknowledgement time): shows a rate that sags as the log grows.
std::vector<double> RateBySlice(const LoadResult& result, int slices);

// CPU seconds (user + system) of this process so far, all threads.
double ClientCpuSeconds();

// "2 cores, AMD EPYC, 23.5 GiB RAM, data on ext4 (/tmp/...)".
std::string MachineDescription(const std::string& data_dir);

// The 1/5/15-minute load averages, "1.02 0.88 0.50".
std::string LoadAverage();

// CPU time one server thread spent between two samples.
struct ThreadCost {
  int tid = 0;
  std::string name;
  double cpu_seconds = 0;
};

// Every thread that used CPU between the two samples, busiest first.
std::vector<ThreadCost> ThreadCosts(const std::vector<ThreadUsage>& before,
                                    const std::vector<ThreadUsage>& after);

// CPU core-seconds one phase took.
struct PhaseCost {
  double server_cpu = 0;
  double client_cpu = 0;
  double other_cpu = 0;  // Other processes (another build, ...) and the kernel's own work.
  double steal = 0;      // Taken by the hypervisor for other guests.
};

// Samples the server, this process and the whole machine at construction
// and at Stop(). `server` must outlive the meter.
class PhaseMeter {
 public:
  explicit PhaseMeter(const ServerProcess& server);
  PhaseCost Stop() const;

 private:
  struct MachineCpu {
    double busy = 0;  // Everything but idle, iowait and steal.
    double steal = 0;
  };
  static MachineCpu ReadMachineCpu();

  const ServerProcess& server_;
  double server_start_;
  double client_start_;
  MachineCpu machine_start_;
};

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_RUN_STATS_H_
