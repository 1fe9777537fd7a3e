// SyntheticGraph: a deterministic ML lineage graph for the graph benchmark
// (docs/benchmarks-graph.md), as the LineageEvents an orchestrator would
// send. The same shape always gives the same events, byte for byte.
//
//   SyntheticGraph graph(GraphShape{});
//   graph.Generate([&](v1::LineageEvent event) { ... sign and send ... });
//   SampleCatalog samples = graph.Samples(/*per_category=*/60, /*seed=*/1);
//
// The shape: `pipelines` teams (namespaces "acme.ml/pNN"), each running the
// same layered pipeline every day for `days` days:
//
//   raw exports    "acme.raw": raw_tables x raw_partitions new versions a day,
//                  asserted in one event per team and day; the first
//                  customer_tables carry data-subject tokens (RESTRICTED).
//   hubs           "acme.ref": reference datasets with hub_versions versions,
//                  read by every staging and feature run (10,000+ runs each).
//   staging        one run per table a day: 2 raw tables (all partitions) + 2
//                  hub versions in; the table and its rejects and profile out.
//   aggregates     incremental tables: yesterday's version + 4 staging
//                  tables in, today's version out, so each is a chain `days`
//                  versions (2 x days edges) deep.
//   features       12 staging tables of today and 4 of yesterday, today's
//                  aggregates, yesterday's aggregates of two other teams and
//                  a hub in (29 inputs).
//   training       weekly per model: 8 features x 7 days in, a model version
//                  out; an evaluation run reads it (a report out) and
//                  deployments serve it (staging always, production every
//                  other week).
//   inference      daily per model: the latest model version + 4 features in,
//                  predictions out.
//   ad hoc         two exports a day read by one exploratory run each (and
//                  one report by a dashboard run): the small answers.
//
// Every dataset and model version has a content digest (SHA-256 of its
// label) and is never reported by name alone, so the graph has no SAME_AS
// edges.
//
// Thread-safety: const methods are safe to call concurrently.
#ifndef LINEAGE_BENCH_GRAPH_SYNTHETIC_GRAPH_H_
#define LINEAGE_BENCH_GRAPH_SYNTHETIC_GRAPH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "lineage/v1/event.pb.h"
#include "lineage/v1/lineage.pb.h"

namespace lineage::bench {

struct GraphShape {
  int pipelines = 46;
  int days = 150;
  int hubs = 12;
  int hub_versions = 2;
  int raw_tables = 10;
  int raw_partitions = 4;
  int customer_tables = 4;        // Raw tables with subject tokens.
  int subjects_per_table = 1000;  // Data subjects per customer table.
  int staging_tables = 16;
  int aggregate_tables = 4;
  int feature_tables = 10;
  int models = 3;
  int adhoc_exports = 2;
};

// A version to start a query from, by kind and digest (the node ID is known
// only once the server has assigned it).
struct VersionRef {
  v1::NodeKind kind = v1::NODE_KIND_UNSPECIFIED;
  std::string digest;
  std::string label;  // Human-readable: "acme.ml/p03 model-m1 w12".
};

// Start points for the benchmark's query shapes, drawn deterministically.
struct SampleCatalog {
  std::vector<VersionRef> model_versions;      // Trace upstream.
  std::vector<VersionRef> hub_versions;        // Downstream, large answers.
  std::vector<VersionRef> adhoc_sources;       // Downstream, small answers.
  std::vector<std::string> pipeline_subjects;  // Deletion impact, large.
  std::vector<std::string> adhoc_subjects;     // Deletion impact, small.
};

class SyntheticGraph {
 public:
  explicit SyntheticGraph(GraphShape shape) : shape_(shape) {}

  const GraphShape& shape() const { return shape_; }

  // Calls `emit` for every event, in the order a real deployment would send
  // them (day by day; within a day, exports before the runs that read them).
  void Generate(absl::FunctionRef<void(v1::LineageEvent)> emit) const;

  // Up to `per_category` start points of each kind (all of them if fewer
  // exist), chosen with `seed`.
  SampleCatalog Samples(int per_category, uint64_t seed) const;

  // The content digest the generator gives the version with this label.
  static std::string DigestOf(const std::string& label);

 private:
  GraphShape shape_;
};

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_GRAPH_SYNTHETIC_GRAPH_H_
