// What one lineage event asserts about the graph, as plain data: the nodes
// it mentions (with their natural keys and the properties it asserts) and
// the edges between them. Pure: no storage, so it can be tested and reused
// (indexing, replay checks) on its own.
//
//   EventPlan plan = PlanEvent(event, integration_time_micros);
//   for (const NodeMention& n : plan.nodes) ...
//   for (const EdgeMention& e : plan.edges) ... plan.nodes[e.from] ...
//
// Node identity (docs/formats.md §8):
//   dataset, job, model, deployment   (namespace, name)
//   run                               (job namespace, run_id)
//   dataset/model version             digest if given, else (namespace, name, version)
// Nodes without a namespace take the event's.
//
// Thread-safety: pure functions.
#ifndef LINEAGE_SERVER_GRAPH_EVENT_PLAN_H_
#define LINEAGE_SERVER_GRAPH_EVENT_PLAN_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "lineage/storage/graph_record.pb.h"
#include "lineage/v1/event.pb.h"
#include "lineage/v1/lineage.pb.h"

namespace lineage {

// The property key of a node's owner (deletion impact reports it per node,
// from the in-memory index).
inline constexpr absl::string_view kOwnerProperty = "owner";

struct NodeMention {
  v1::NodeKind kind = v1::NODE_KIND_UNSPECIFIED;
  std::string natural_key;
  std::string ns, name, version, digest, run_id;
  v1::Classification classification = v1::CLASSIFICATION_UNSPECIFIED;
  // (property key, value) pairs asserted; see graph_record.proto keys.
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<std::string> subject_tokens;
  // True for dataset/model versions: they join the version name index.
  bool is_version = false;
};

struct EdgeMention {
  size_t from;  // Index into EventPlan::nodes.
  v1::EdgeKind kind;
  size_t to;
};

struct EventPlan {
  std::vector<NodeMention> nodes;
  std::vector<EdgeMention> edges;
  // The stamp of every property this event asserts.
  int64_t event_time_micros = 0;
  std::string event_id;
  // Terminal run state (COMPLETE, FAIL, ABORT): wins over started.
  bool terminal = false;
};

// The plan of `event`; `integration_time_micros` stands in for a missing
// event_time.
EventPlan PlanEvent(const v1::LineageEvent& event, uint64_t integration_time_micros);

// Natural keys, also used to resolve query selectors.
std::string NamedNodeKey(v1::NodeKind kind, absl::string_view ns, absl::string_view name);
std::string RunKey(absl::string_view job_ns, absl::string_view run_id);
std::string VersionKeyByDigest(v1::NodeKind kind, absl::string_view digest);
std::string VersionKeyByName(v1::NodeKind kind, absl::string_view ns, absl::string_view name,
                             absl::string_view version);

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_EVENT_PLAN_H_
