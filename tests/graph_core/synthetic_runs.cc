#include "tests/graph_core/synthetic_runs.h"

#include "absl/strings/str_cat.h"

namespace lineage::testing {

EventPlan PlanOf(const SyntheticRun& r, uint64_t time) {
  EventPlan plan;
  plan.event_id = r.run;
  plan.event_time_micros = static_cast<int64_t>(time);
  auto add = [&](v1::NodeKind kind, std::string key, std::string name) {
    NodeMention n;
    n.kind = kind;
    n.ns = "ns";
    n.name = name;
    n.natural_key = std::move(key);
    n.is_version = false;
    plan.nodes.push_back(std::move(n));
    return plan.nodes.size() - 1;
  };
  const size_t run = add(v1::NODE_KIND_RUN, RunKey("ns", r.run), r.run);
  plan.nodes[run].run_id = r.run;
  for (const std::string& in : r.inputs) {
    const size_t v = add(v1::NODE_KIND_DATASET_VERSION,
                         VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", in, "1"), in);
    plan.nodes[v].classification = r.input_tier;
    if (!r.input_owner.empty()) {
      plan.nodes[v].properties.emplace_back(std::string(kOwnerProperty), r.input_owner);
    }
    plan.edges.push_back({v, v1::EDGE_KIND_INPUT_TO, run});
  }
  if (!r.job.empty()) {
    const size_t job = add(v1::NODE_KIND_JOB, NamedNodeKey(v1::NODE_KIND_JOB, "ns", r.job), r.job);
    plan.edges.push_back({run, v1::EDGE_KIND_EXECUTES, job});
  }
  for (const std::string& out : r.outputs) {
    const size_t v = add(v1::NODE_KIND_DATASET_VERSION,
                         VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", out, "1"), out);
    plan.edges.push_back({run, v1::EDGE_KIND_PRODUCED, v});
  }
  return plan;
}

std::vector<SyntheticRun> RandomRuns(std::mt19937& rng, int count, bool cycles) {
  std::vector<SyntheticRun> runs;
  int versions = 5;  // Sources v0..v4.
  for (int i = 0; i < count; ++i) {
    SyntheticRun r;
    r.run = absl::StrCat("r", i);
    const int inputs = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < inputs; ++k) r.inputs.push_back(absl::StrCat("v", rng() % versions));
    const int outputs = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < outputs; ++k) {
      // With cycles: sometimes write a version that already exists upstream.
      if (cycles && rng() % 5 == 0) {
        r.outputs.push_back(absl::StrCat("v", rng() % versions));
      } else {
        r.outputs.push_back(absl::StrCat("v", versions++));
      }
    }
    if (rng() % 17 == 0)
      r.input_tier = v1::CLASSIFICATION_RESTRICTED;
    else if (rng() % 7 == 0)
      r.input_tier = v1::CLASSIFICATION_CONFIDENTIAL;
    if (rng() % 3 == 0) r.input_owner = absl::StrCat("team-", rng() % 4);
    runs.push_back(std::move(r));
  }
  return runs;
}

}  // namespace lineage::testing
