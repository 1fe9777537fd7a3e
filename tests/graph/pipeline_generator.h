// Random lineage for graph tests: layered pipelines of dataset versions and
// runs with models, evaluations and deployments, generated from a seed.
//
//   RandomPipelineOptions options{.seed = 7, .runs = 80};
//   std::vector<v1::LineageEvent> events = RandomPipeline(options);
//
// Each run reads 1-3 earlier dataset versions (some by digest, some by name
// only, so a version is known both ways and SAME_AS links appear) and writes
// 1-2 new ones; some are training runs writing a model version, some have a
// parent run, some report START and COMPLETE separately. Sources carry
// classifications and subject tokens; late catalog events re-assert owners
// with older and newer event times. With `back_edges` > 0, runs are also
// reported reading a dataset version produced downstream of them: cycles.
//
// Every event has a unique event_id and a unique event_time, so the result
// does not depend on the order events are appended in.
//
// Thread-safety: pure function.
#ifndef LINEAGE_TESTS_GRAPH_PIPELINE_GENERATOR_H_
#define LINEAGE_TESTS_GRAPH_PIPELINE_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lineage/v1/event.pb.h"

namespace lineage::testing {

struct RandomPipelineOptions {
  uint32_t seed = 1;
  int sources = 12;
  int runs = 80;
  // Extra events making a run read a version produced downstream of it.
  int back_edges = 0;
  // Catalog events re-asserting owners and tiers of existing versions.
  int catalog_updates = 8;
};

std::vector<v1::LineageEvent> RandomPipeline(const RandomPipelineOptions& options);

// A wide pipeline of `layers` x `runs_per_layer` runs, each reading `fan_in`
// versions of the previous layer and writing `fan_out` new ones, all
// downstream of the one source version `BigPipelineSource()`.
std::vector<v1::LineageEvent> BigPipeline(int layers, int runs_per_layer, int fan_in, int fan_out);
std::string BigPipelineSourceDigest();

// The namespaces the generators write.
const std::vector<std::string>& PipelineNamespaces();

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_PIPELINE_GENERATOR_H_
