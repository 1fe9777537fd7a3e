#include "bench/run_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace lineage::bench {
namespace {

std::string FirstLineWith(const std::string& path, absl::string_view prefix) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (absl::StartsWith(line, prefix)) return line;
  }
  return "";
}

}  // namespace

Percentiles Summarize(std::vector<int64_t> nanos) {
  Percentiles p;
  p.count = nanos.size();
  if (nanos.empty()) return p;
  std::sort(nanos.begin(), nanos.end());
  auto at = [&](double q) {  // Nearest rank.
    size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(nanos.size())));
    return static_cast<double>(nanos[std::clamp<size_t>(rank, 1, nanos.size()) - 1]) * 1e-6;
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = static_cast<double>(nanos.back()) * 1e-6;
  return p;
}

std::vector<int64_t> BatchLatencies(const LoadResult& r) {
  std::vector<int64_t> out;
  for (const BatchTiming& t : r.timings) {
    if (t.acked_ns != 0 && t.due_ns != 0) out.push_back(t.acked_ns - t.due_ns);
  }
  return out;
}

std::vector<int64_t> EventLatenciesWithFill(const LoadResult& r, double rate) {
  std::vector<int64_t> out;
  const double gap_ns = 1e9 / rate;
  for (const BatchTiming& t : r.timings) {
    if (t.acked_ns == 0 || t.due_ns == 0) continue;
    for (int k = 0; k < t.events; ++k) {
      out.push_back(t.acked_ns - t.due_ns + static_cast<int64_t>((t.events - 1 - k) * gap_ns));
    }
  }
  return out;
}

std::vector<double> RateBySlice(const LoadResult& r, int slices) {
  std::vector<double> rates(slices, 0);
  const double span = static_cast<double>(r.end_ns - r.start_ns);
  if (span <= 0 || slices <= 0) return rates;
  for (const BatchTiming& t : r.timings) {
    if (t.acked_ns == 0) continue;
    const int slice = std::min(
        slices - 1, static_cast<int>(static_cast<double>(t.acked_ns - r.start_ns) / span * slices));
    rates[std::max(0, slice)] += t.events;
  }
  for (double& rate : rates) rate /= span * 1e-9 / slices;
  return rates;
}

double ClientCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

std::string MachineDescription(const std::string& data_dir) {
  std::string cpu = FirstLineWith("/proc/cpuinfo", "model name");
  cpu =
      std::string(absl::StripAsciiWhitespace(cpu.substr(std::min(cpu.size(), cpu.find(':') + 1))));
  std::string mem = FirstLineWith("/proc/meminfo", "MemTotal:");
  long mem_kib = 0;
  std::istringstream(mem.substr(std::min(mem.size(), size_t{9}))) >> mem_kib;
  return absl::StrFormat("%u cores, %s, %.1f GiB RAM, data on %s (%s)",
                         std::thread::hardware_concurrency(), cpu.empty() ? "unknown CPU" : cpu,
                         static_cast<double>(mem_kib) / (1 << 20), FileSystemType(data_dir),
                         data_dir);
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return absl::StrCat(a, " ", b, " ", c);
}

std::vector<ThreadCost> ThreadCosts(const std::vector<ThreadUsage>& before,
                                    const std::vector<ThreadUsage>& after) {
  std::map<int, double> start;
  for (const ThreadUsage& t : before) start[t.tid] = t.cpu_seconds;
  std::vector<ThreadCost> used;
  for (const ThreadUsage& t : after) {
    const double seconds = t.cpu_seconds - start[t.tid];
    if (seconds > 0) used.push_back({t.tid, t.name, seconds});
  }
  std::sort(used.begin(), used.end(),
            [](const ThreadCost& a, const ThreadCost& b) { return a.cpu_seconds > b.cpu_seconds; });
  return used;
}

PhaseMeter::MachineCpu PhaseMeter::ReadMachineCpu() {
  // The first line of /proc/stat: the whole machine, in clock ticks.
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  return {(user + nice + system + irq + softirq) / tick, steal / tick};
}

PhaseMeter::PhaseMeter(const ServerProcess& server)
    : server_(server),
      server_start_(server.Usage().cpu_seconds),
      client_start_(ClientCpuSeconds()),
      machine_start_(ReadMachineCpu()) {}

PhaseCost PhaseMeter::Stop() const {
  PhaseCost cost;
  cost.server_cpu = server_.Usage().cpu_seconds - server_start_;
  cost.client_cpu = ClientCpuSeconds() - client_start_;
  const MachineCpu machine = ReadMachineCpu();
  cost.other_cpu =
      std::max(0.0, machine.busy - machine_start_.busy - cost.server_cpu - cost.client_cpu);
  cost.steal = machine.steal - machine_start_.steal;
  return cost;
}

}  // namespace lineage::bench
