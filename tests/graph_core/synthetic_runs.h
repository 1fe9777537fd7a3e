// Synthetic lineage for graph-layer tests: runs reading and writing
// dataset versions by name, as EventPlans the indexer takes directly (no
// signed events, no gRPC).
#ifndef LINEAGE_TESTS_GRAPH_CORE_SYNTHETIC_RUNS_H_
#define LINEAGE_TESTS_GRAPH_CORE_SYNTHETIC_RUNS_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "server/graph/event_plan.h"

namespace lineage::testing {

// A run reading `inputs` and writing `outputs` (version names in namespace
// "ns", version "1").
struct SyntheticRun {
  std::string run;
  std::vector<std::string> inputs, outputs;  // Version names.
  v1::Classification input_tier = v1::CLASSIFICATION_UNSPECIFIED;
  std::string input_owner;  // Asserted on every input version when set.
  std::string job;          // When set: the run EXECUTES this job.
};

// The plan of `r` at event time `time`.
EventPlan PlanOf(const SyntheticRun& r, uint64_t time);

// `count` random runs over a growing set of versions (sources v0..v4);
// with `cycles`, some write a version that already exists upstream.
std::vector<SyntheticRun> RandomRuns(std::mt19937& rng, int count, bool cycles);

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_CORE_SYNTHETIC_RUNS_H_
