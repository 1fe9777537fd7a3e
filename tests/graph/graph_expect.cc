#include "tests/graph/graph_expect.h"

#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace lineage::testing {
namespace {

const std::set<v1::EdgeKind> kDataFlow = {v1::EDGE_KIND_INPUT_TO, v1::EDGE_KIND_PRODUCED,
                                          v1::EDGE_KIND_SERVES};

std::string EdgeText(const RefEdge& e) {
  return absl::StrCat(e.from, " -", v1::EdgeKind_Name(e.kind), "-> ", e.to);
}

// "missing: a, b; unexpected: c" or "" when equal.
template <typename T, typename Text>
std::string SetDiff(const std::set<T>& got, const std::set<T>& want, Text text) {
  std::vector<std::string> missing, extra;
  for (const T& w : want) {
    if (!got.count(w)) missing.push_back(text(w));
  }
  for (const T& g : got) {
    if (!want.count(g)) extra.push_back(text(g));
  }
  if (missing.empty() && extra.empty()) return "";
  return absl::StrCat("missing [", absl::StrJoin(missing, ", "), "] unexpected [",
                      absl::StrJoin(extra, ", "), "]");
}

std::set<std::string> Keys(const std::map<std::string, uint32_t>& m) {
  std::set<std::string> out;
  for (const auto& [k, v] : m) out.insert(k);
  return out;
}

std::string Self(const std::string& s) { return s; }

RefEdge KeyEdge(const GraphLedger& ledger, const v1::Edge& e) {
  return {ledger.KeyOf(e.from_node_id()), e.kind(), ledger.KeyOf(e.to_node_id())};
}

// True if `e` joins `a` and `b` (either way for SAME_AS, else a -> b) and
// is an edge of the reference with the same log index.
void ExpectPathEdge(const GraphLedger& ledger, const v1::Edge& e, uint64_t a, uint64_t b,
                    const std::string& context) {
  const RefEdge key = KeyEdge(ledger, e);
  auto it = ledger.reference().edges().find(key);
  ASSERT_TRUE(it != ledger.reference().edges().end())
      << context << ": path edge " << EdgeText(key) << " is not in the graph";
  EXPECT_EQ(e.log_index(), it->second) << context << ": " << EdgeText(key);
  const bool forward = e.from_node_id() == a && e.to_node_id() == b;
  const bool backward = e.from_node_id() == b && e.to_node_id() == a;
  EXPECT_TRUE(forward || (backward && e.kind() == v1::EDGE_KIND_SAME_AS))
      << context << ": edge " << EdgeText(key) << " does not join " << ledger.KeyOf(a) << " to "
      << ledger.KeyOf(b);
}

// The edge of the reference between consecutive path nodes a -> b (data
// flow, or SAME_AS either way); nullopt if none.
std::optional<RefEdge> FlowEdge(const ReferenceGraph& ref, const std::string& a,
                                const std::string& b) {
  for (v1::EdgeKind kind : kDataFlow) {
    if (ref.edges().count({a, kind, b})) return RefEdge{a, kind, b};
  }
  if (ref.edges().count({a, v1::EDGE_KIND_SAME_AS, b})) return RefEdge{a, v1::EDGE_KIND_SAME_AS, b};
  if (ref.edges().count({b, v1::EDGE_KIND_SAME_AS, a})) return RefEdge{b, v1::EDGE_KIND_SAME_AS, a};
  return std::nullopt;
}

}  // namespace

v1::TraverseRequest ToRequest(const GraphLedger& ledger, const ReferenceGraph::TraverseSpec& spec) {
  v1::TraverseRequest r;
  for (const std::string& key : spec.start) *r.add_start() = ById(ledger.IdOf(key));
  r.set_direction(spec.upstream ? v1::DIRECTION_UPSTREAM : v1::DIRECTION_DOWNSTREAM);
  r.set_max_depth(spec.max_depth);
  for (v1::EdgeKind k : spec.edge_kinds) r.add_edge_kinds(k);
  for (v1::NodeKind k : spec.node_kinds) r.add_node_kinds(k);
  for (const auto& [kind, prefix] : spec.stop_at) {
    v1::NodeMatch* m = r.add_stop_at();
    m->set_kind(kind);
    m->set_namespace_prefix(prefix);
  }
  r.set_min_effective_classification(spec.min_effective);
  r.set_include_start(spec.include_start);
  r.set_include_edges(true);
  r.set_view(v1::NODE_VIEW_BASIC);
  return r;
}

void ExpectTraversal(const GraphLedger& ledger, const ReferenceGraph::TraverseSpec& spec,
                     const GraphClient::Traversal& got, const std::string& context) {
  const ReferenceGraph& ref = ledger.reference();
  const ReferenceGraph::Reach want = ref.Traverse(spec);
  std::map<std::string, uint32_t> nodes;
  uint32_t last_depth = 0;
  for (const v1::Node& n : got.nodes) {
    const std::string& key = ledger.KeyOf(n.node_id());
    EXPECT_TRUE(nodes.emplace(key, n.depth()).second) << context << ": " << key << " twice";
    EXPECT_GE(n.depth(), last_depth) << context << ": " << key << " out of depth order";
    last_depth = n.depth();
    EXPECT_EQ(NaturalKey(n), key) << context;
    if (!ref.Has(key)) continue;
    EXPECT_EQ(n.classification(), ref.nodes().at(key).declared) << context << ": " << key;
    EXPECT_EQ(n.effective_classification(), ref.Effective(key)) << context << ": " << key;
  }
  EXPECT_EQ(SetDiff(Keys(nodes), Keys(want.returned), Self), "") << context << ": nodes";
  for (const auto& [key, depth] : want.returned) {
    if (nodes.count(key)) {
      EXPECT_EQ(nodes[key], depth) << context << ": depth of " << key;
    }
  }
  std::set<RefEdge> edges;
  for (const v1::Edge& e : got.edges) {
    const RefEdge key = KeyEdge(ledger, e);
    EXPECT_TRUE(edges.insert(key).second) << context << ": edge twice: " << EdgeText(key);
    auto it = ref.edges().find(key);
    if (it != ref.edges().end()) {
      EXPECT_EQ(e.log_index(), it->second) << context << ": log index of " << EdgeText(key);
    }
  }
  EXPECT_EQ(SetDiff(edges, want.edges, EdgeText), "") << context << ": edges";
  EXPECT_TRUE(got.last.done()) << context;
  EXPECT_EQ(got.last.truncated(), want.beyond_max_depth) << context;
  EXPECT_EQ(got.last.truncation_reason(), want.beyond_max_depth ? v1::TRUNCATION_REASON_MAX_DEPTH
                                                                : v1::TRUNCATION_REASON_UNSPECIFIED)
      << context;
  EXPECT_EQ(got.last.returned(), got.nodes.size()) << context;
  EXPECT_EQ(got.last.visited(), want.depth.size()) << context;
}

void ExpectTrace(const GraphLedger& ledger, const std::string& target, uint32_t max_paths,
                 const v1::TraceResponse& got, const std::string& context) {
  const ReferenceGraph& ref = ledger.reference();
  ReferenceGraph::TraverseSpec spec;
  spec.start = {target};
  spec.upstream = true;
  spec.edge_kinds = kDataFlow;
  spec.include_start = true;
  const ReferenceGraph::Reach reach = ref.Traverse(spec);
  // Sources: dataset versions no data flows into, nor into a SAME_AS twin.
  auto fed = [&](const std::string& key) {
    for (const auto& [e, index] : ref.edges()) {
      if (e.to == key && kDataFlow.count(e.kind)) return true;
    }
    return false;
  };
  std::set<std::string> sources;
  for (const auto& [key, depth] : reach.depth) {
    if (ref.nodes().at(key).kind != v1::NODE_KIND_DATASET_VERSION || fed(key)) continue;
    bool twin_fed = false;
    for (const auto& [e, index] : ref.edges()) {
      if (e.kind != v1::EDGE_KIND_SAME_AS) continue;
      if ((e.from == key && fed(e.to)) || (e.to == key && fed(e.from))) twin_fed = true;
    }
    if (!twin_fed) sources.insert(key);
  }
  EXPECT_EQ(ledger.KeyOf(got.target().node_id()), target) << context;
  EXPECT_EQ(NaturalKey(got.target()), target) << context;
  EXPECT_EQ(got.sources(), sources.size()) << context;
  EXPECT_EQ(got.truncated(), sources.size() > max_paths) << context;
  ASSERT_EQ(got.paths_size(), static_cast<int>(std::min<size_t>(max_paths, sources.size())))
      << context;
  std::set<std::string> path_sources;
  std::set<uint64_t> on_paths;
  uint32_t last_length = 0;
  for (const v1::LineagePath& path : got.paths()) {
    ASSERT_GE(path.node_ids_size(), 1) << context;
    const std::string source = ledger.KeyOf(path.node_ids(0));
    EXPECT_TRUE(sources.count(source)) << context << ": path starts at " << source;
    EXPECT_TRUE(path_sources.insert(source).second) << context << ": two paths from " << source;
    EXPECT_EQ(ledger.KeyOf(path.node_ids(path.node_ids_size() - 1)), target) << context;
    ASSERT_EQ(path.edges_size(), path.node_ids_size() - 1) << context;
    uint32_t hops = 0;
    for (int j = 0; j < path.edges_size(); ++j) {
      ExpectPathEdge(ledger, path.edges(j), path.node_ids(j), path.node_ids(j + 1), context);
      if (path.edges(j).kind() != v1::EDGE_KIND_SAME_AS) ++hops;
    }
    for (uint64_t id : path.node_ids()) on_paths.insert(id);
    if (reach.depth.count(source)) {
      EXPECT_EQ(hops, reach.depth.at(source)) << context << ": path from " << source;
    }
    EXPECT_GE(hops, last_length) << context << ": paths not shortest first";
    last_length = hops;
  }
  // The paths are the shortest: any source nearer than the farthest
  // returned one is among them.
  for (const std::string& s : sources) {
    if (path_sources.count(s) == 0) {
      EXPECT_GE(reach.depth.at(s), last_length) << context << ": nearer source left out: " << s;
    }
  }
  std::set<uint64_t> listed;
  for (const v1::Node& n : got.nodes()) {
    EXPECT_TRUE(listed.insert(n.node_id()).second) << context;
    const std::string& key = ledger.KeyOf(n.node_id());
    if (reach.depth.count(key)) {
      EXPECT_EQ(n.depth(), reach.depth.at(key)) << context << ": " << key;
    }
  }
  EXPECT_EQ(listed, on_paths) << context << ": nodes are those on the paths";
}

void ExpectImpact(const GraphLedger& ledger, const std::set<std::string>& sources,
                  const GraphClient::Impact& got, const std::string& context) {
  const ReferenceGraph& ref = ledger.reference();
  std::set<std::string> got_sources;
  for (const v1::Node& n : got.sources) got_sources.insert(ledger.KeyOf(n.node_id()));
  EXPECT_EQ(SetDiff(got_sources, sources, Self), "") << context << ": sources";
  ReferenceGraph::TraverseSpec spec;
  spec.start.assign(sources.begin(), sources.end());
  spec.edge_kinds = kDataFlow;
  const ReferenceGraph::Reach reach = ref.Traverse(spec);
  std::map<v1::NodeKind, std::set<std::string>> want;
  for (const auto& [key, depth] : reach.depth) {
    if (depth > 0) want[ref.nodes().at(key).kind].insert(key);
  }
  auto check = [&](v1::NodeKind kind, const std::vector<v1::ImpactedNode>& group, uint64_t total) {
    const std::string where = absl::StrCat(context, ": ", v1::NodeKind_Name(kind));
    std::set<std::string> keys;
    for (const v1::ImpactedNode& in : group) {
      const std::string& key = ledger.KeyOf(in.node().node_id());
      EXPECT_TRUE(keys.insert(key).second) << where << ": " << key << " twice";
      EXPECT_EQ(in.node().kind(), kind) << where << ": " << key;
      if (!reach.depth.count(key)) continue;
      EXPECT_EQ(in.node().depth(), reach.depth.at(key)) << where << ": depth of " << key;
      const auto props = ref.Properties(key);
      EXPECT_EQ(in.owner(), props.count("owner") ? props.at("owner") : "") << where << ": " << key;
      ASSERT_GE(in.witness_path_size(), 2) << where << ": " << key;
      EXPECT_EQ(in.source_node_id(), in.witness_path(0)) << where;
      EXPECT_TRUE(sources.count(ledger.KeyOf(in.witness_path(0))))
          << where << ": witness of " << key << " starts at " << ledger.KeyOf(in.witness_path(0));
      EXPECT_EQ(in.witness_path(in.witness_path_size() - 1), in.node().node_id()) << where;
      EXPECT_EQ(in.witness_predecessor(), in.witness_path(in.witness_path_size() - 2)) << where;
      uint32_t hops = 0;
      for (int j = 0; j + 1 < in.witness_path_size(); ++j) {
        std::optional<RefEdge> e =
            FlowEdge(ref, ledger.KeyOf(in.witness_path(j)), ledger.KeyOf(in.witness_path(j + 1)));
        EXPECT_TRUE(e.has_value()) << where << ": witness of " << key << " has a gap after "
                                   << ledger.KeyOf(in.witness_path(j));
        if (e && e->kind != v1::EDGE_KIND_SAME_AS) ++hops;
      }
      EXPECT_EQ(hops, reach.depth.at(key)) << where << ": witness of " << key << " not shortest";
    }
    EXPECT_EQ(SetDiff(keys, want[kind], Self), "") << where;
    EXPECT_EQ(total, group.size()) << where << ": total";
  };
  check(v1::NODE_KIND_DATASET_VERSION, got.dataset_versions, got.last.total_dataset_versions());
  check(v1::NODE_KIND_RUN, got.runs, got.last.total_runs());
  check(v1::NODE_KIND_MODEL_VERSION, got.model_versions, got.last.total_model_versions());
  check(v1::NODE_KIND_DEPLOYMENT, got.deployments, got.last.total_deployments());
  for (const auto& [kind, keys] : want) {
    EXPECT_TRUE(kind == v1::NODE_KIND_DATASET_VERSION || kind == v1::NODE_KIND_RUN ||
                kind == v1::NODE_KIND_MODEL_VERSION || kind == v1::NODE_KIND_DEPLOYMENT)
        << context << ": data flow reached a " << v1::NodeKind_Name(kind);
  }
  EXPECT_TRUE(got.last.complete()) << context;
}

void ExpectWholeGraph(GraphLedger& ledger, bool compare_order_dependent,
                      const std::string& context) {
  const ReferenceGraph& ref = ledger.reference();
  ASSERT_TRUE(ledger.LoadKeys().ok()) << context;
  v1::SearchNodesRequest search;
  search.set_view(v1::NODE_VIEW_FULL);
  search.set_page_size(500);
  absl::StatusOr<std::vector<v1::Node>> nodes = ledger.graph().SearchAll(search);
  ASSERT_TRUE(nodes.ok()) << context << ": " << nodes.status();
  std::set<std::string> keys, want_keys;
  std::vector<uint64_t> ids;
  for (const v1::Node& n : *nodes) {
    const std::string key = NaturalKey(n);
    keys.insert(key);
    ids.push_back(n.node_id());
    if (!ref.Has(key)) continue;
    const ReferenceGraph::Node& r = ref.nodes().at(key);
    EXPECT_EQ(n.kind(), r.kind) << context << ": " << key;
    EXPECT_EQ(n.classification(), r.declared) << context << ": " << key;
    EXPECT_EQ(n.effective_classification(), ref.Effective(key)) << context << ": " << key;
    v1::NodeProperties want = ref.ApiProperties(key);
    v1::NodeProperties have = n.properties();
    if (compare_order_dependent) {
      EXPECT_EQ(n.first_log_index(), r.first_log_index) << context << ": " << key;
      EXPECT_EQ(n.namespace_(), r.ns) << context << ": " << key;
      EXPECT_EQ(n.name(), r.name) << context << ": " << key;
    } else {
      want.clear_first_seen();
      have.clear_first_seen();
    }
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(have, want))
        << context << ": " << key << "\n got: " << have.ShortDebugString()
        << "\nwant: " << want.ShortDebugString();
  }
  for (const auto& [key, node] : ref.nodes()) want_keys.insert(key);
  EXPECT_EQ(SetDiff(keys, want_keys, Self), "") << context << ": nodes";

  // Every edge: a traversal from every node follows each edge out of it.
  v1::TraverseRequest all;
  for (uint64_t id : ids) *all.add_start() = ById(id);
  all.set_direction(v1::DIRECTION_DOWNSTREAM);
  all.set_include_edges(true);
  all.set_view(v1::NODE_VIEW_ID);
  absl::StatusOr<GraphClient::Traversal> t = ledger.graph().Traverse(all);
  ASSERT_TRUE(t.ok()) << context << ": " << t.status();
  std::set<RefEdge> edges, want_edges;
  for (const v1::Edge& e : t->edges) {
    const RefEdge key = KeyEdge(ledger, e);
    edges.insert(key);
    auto it = ref.edges().find(key);
    if (compare_order_dependent && it != ref.edges().end()) {
      EXPECT_EQ(e.log_index(), it->second) << context << ": " << EdgeText(key);
    }
  }
  for (const auto& [e, index] : ref.edges()) want_edges.insert(e);
  EXPECT_EQ(SetDiff(edges, want_edges, EdgeText), "") << context << ": edges";
}

std::vector<std::string> KeyDepths(const GraphLedger& ledger, const std::vector<v1::Node>& nodes) {
  std::vector<std::string> out;
  for (const v1::Node& n : nodes)
    out.push_back(absl::StrCat(ledger.KeyOf(n.node_id()), "@", n.depth()));
  return out;
}

std::string SemanticNodes(const std::vector<v1::Node>& nodes) {
  std::map<std::string, std::string> lines;
  for (const v1::Node& n : nodes) {
    v1::NodeProperties p = n.properties();
    p.clear_first_seen();
    // Attributes sorted by key, so the text does not depend on map order.
    std::map<std::string, std::string> attributes(p.attributes().begin(), p.attributes().end());
    p.clear_attributes();
    lines[NaturalKey(n)] = absl::StrCat(
        v1::Classification_Name(n.classification()), " ",
        v1::Classification_Name(n.effective_classification()), " {", p.ShortDebugString(), "} {",
        absl::StrJoin(attributes, ", ", absl::PairFormatter("=")), "}");
  }
  std::string out;
  for (const auto& [key, line] : lines) absl::StrAppend(&out, key, " ", line, "\n");
  return out;
}

}  // namespace lineage::testing
