// ReferenceGraph: a naive, independent model of the lineage graph for tests,
// built from the same LineageEvents the test sends, following only what
// lineage.proto and event.proto document (it shares no code with
// server/graph). Nodes are named by natural keys, never by server IDs:
//
//   dataset, job, model, deployment   "<KIND>|<namespace>|<name>"
//   run                               "RUN|<job namespace>|<run_id>"
//   dataset/model version             "<KIND>|d|<digest>" if it has one,
//                                     else "<KIND>|n|<namespace>|<name>|<version>"
//
// Edges point the way data flows (INPUT_TO version->run, PRODUCED
// run->version, HAS_VERSION dataset->version, SERVES model
// version->deployment, PARENT_OF parent->child, EXECUTES job->run, SAME_AS
// name-only version -> digest version reported under the same name).
// Traversals are plain fixpoint relaxations (no clever queue), SAME_AS both
// ways at no depth cost.
//
//   ReferenceGraph ref;
//   ref.Add(event, /*log_index=*/1, /*integration_micros=*/t);
//   ReferenceGraph::Reach r = ref.Traverse({.start = {key}, .upstream = true});
//
// Thread-safety: none needed (one test thread).
#ifndef LINEAGE_TESTS_GRAPH_REFERENCE_GRAPH_H_
#define LINEAGE_TESTS_GRAPH_REFERENCE_GRAPH_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "lineage/v1/event.pb.h"
#include "lineage/v1/lineage.pb.h"

namespace lineage::testing {

// The natural key of a node as the server returns it (BASIC view or more).
std::string NaturalKey(const v1::Node& node);

struct RefEdge {
  std::string from;
  v1::EdgeKind kind;
  std::string to;
  auto operator<=>(const RefEdge&) const = default;
};

class ReferenceGraph {
 public:
  struct Node {
    v1::NodeKind kind = v1::NODE_KIND_UNSPECIFIED;
    std::string ns;    // Namespace of the natural key (first mention for digests).
    std::string name;  // As first mentioned (runs: their job's, once known).
    v1::Classification declared = v1::CLASSIFICATION_UNSPECIFIED;
    uint64_t first_log_index = 0;
    int64_t first_seen_micros = 0;
    // Property -> (stamp, value); the greatest stamp wins.
    std::map<std::string, std::pair<std::tuple<int, int64_t, std::string>, std::string>> props;
    std::set<std::string> subject_tokens;
  };

  struct TraverseSpec {
    std::vector<std::string> start;
    bool upstream = false;
    uint32_t max_depth = 0;             // 0: unbounded.
    std::set<v1::EdgeKind> edge_kinds;  // Empty: all (SAME_AS is always followed).
    std::set<v1::NodeKind> node_kinds;  // Empty: all.
    std::vector<std::pair<v1::NodeKind, std::string>> stop_at;  // (kind or any, ns prefix)
    v1::Classification min_effective = v1::CLASSIFICATION_UNSPECIFIED;
    bool include_start = false;
  };

  struct Reach {
    std::map<std::string, uint32_t> depth;     // Every node reached (within max_depth).
    std::map<std::string, uint32_t> returned;  // The nodes the answer should hold.
    std::set<RefEdge> edges;                   // Edges followed.
    bool beyond_max_depth = false;             // Nodes remained past max_depth.
  };

  // Applies one event appended at `log_index`, integrated at `micros`.
  void Add(const v1::LineageEvent& event, uint64_t log_index, int64_t micros);

  const std::map<std::string, Node>& nodes() const { return nodes_; }
  // Edge -> log index of its first assertion.
  const std::map<RefEdge, uint64_t>& edges() const { return edges_; }
  bool Has(const std::string& key) const { return nodes_.count(key) > 0; }

  // Highest declared tier of the node and everything upstream of it.
  v1::Classification Effective(const std::string& key) const;
  // Winning property values ("owner", "attr:x", "run_state", ...).
  std::map<std::string, std::string> Properties(const std::string& key) const;
  // Properties as the API reports them (first_seen included).
  v1::NodeProperties ApiProperties(const std::string& key) const;

  Reach Traverse(const TraverseSpec& spec) const;

  // Dataset versions carrying any of `tokens`.
  std::set<std::string> VersionsWithTokens(const std::vector<std::string>& tokens) const;

  // Natural keys of every node of `kind`.
  std::vector<std::string> KeysOfKind(v1::NodeKind kind) const;

 private:
  std::string Mention(v1::NodeKind kind, const std::string& key, const std::string& ns,
                      const std::string& name, uint64_t log_index, int64_t micros);
  std::string Version(v1::NodeKind kind, const std::string& ns, const std::string& name,
                      const std::string& version, const std::string& digest, uint64_t log_index,
                      int64_t micros);
  void Assert(const std::string& key, const std::string& prop, const std::string& value);
  void Attributes(const std::string& key, const google::protobuf::Map<std::string, std::string>& a);
  void AddEdge(const std::string& from, v1::EdgeKind kind, const std::string& to, uint64_t index);

  std::map<std::string, Node> nodes_;
  std::map<RefEdge, uint64_t> edges_;
  // Version name "<KIND>|<ns>|<name>|<version>" -> node key -> first index it joined.
  std::map<std::string, std::map<std::string, uint64_t>> names_;
  // The event being applied.
  std::tuple<int, int64_t, std::string> stamp_;
  // Effective tiers, computed on first use after a change.
  mutable std::map<std::string, v1::Classification> effective_;
};

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_REFERENCE_GRAPH_H_
