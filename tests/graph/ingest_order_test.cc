// The graph does not depend on the order events arrive in, and node
// identity follows the documented rules: one node per digest whoever reports
// it, and a version known by name and by digest linked by SAME_AS.
#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_expect.h"
#include "tests/graph/graph_ledger.h"
#include "tests/graph/pipeline_generator.h"
#include "tests/testing/events.h"

namespace lineage {
namespace {

using ::lineage::testing::ByDigest;
using ::lineage::testing::ById;
using ::lineage::testing::ByName;
using ::lineage::testing::ByRun;
using ::lineage::testing::DigestOf;
using ::lineage::testing::GraphClient;
using ::lineage::testing::GraphLedger;
using ::lineage::testing::NaturalKey;
using ::lineage::testing::RandomPipeline;
using ::lineage::testing::RandomPipelineOptions;
using ::lineage::testing::RefEdge;
using ::lineage::testing::SemanticNodes;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// The graph by natural keys: every node's classifications and properties
// (without first seen), and every edge, whatever the IDs and log indices.
struct Semantic {
  std::string nodes;
  std::set<RefEdge> edges;
};

Semantic SemanticGraph(GraphLedger& ledger) {
  Semantic out;
  EXPECT_TRUE(ledger.LoadKeys().ok());
  v1::SearchNodesRequest search;
  search.set_view(v1::NODE_VIEW_FULL);
  absl::StatusOr<std::vector<v1::Node>> nodes = ledger.graph().SearchAll(search);
  EXPECT_TRUE(nodes.ok()) << nodes.status();
  if (!nodes.ok()) return out;
  out.nodes = SemanticNodes(*nodes);
  v1::TraverseRequest all;
  for (const v1::Node& n : *nodes) *all.add_start() = ById(n.node_id());
  all.set_direction(v1::DIRECTION_DOWNSTREAM);
  all.set_include_edges(true);
  all.set_view(v1::NODE_VIEW_ID);
  absl::StatusOr<GraphClient::Traversal> t = ledger.graph().Traverse(all);
  EXPECT_TRUE(t.ok()) << t.status();
  if (!t.ok()) return out;
  for (const v1::Edge& e : t->edges) {
    out.edges.insert({ledger.KeyOf(e.from_node_id()), e.kind(), ledger.KeyOf(e.to_node_id())});
  }
  return out;
}

TEST(IngestOrderTest, ShuffledIngestOrderGivesTheSameGraph) {
  RandomPipelineOptions options;
  options.seed = 404;
  options.runs = 50;
  options.back_edges = 4;
  const std::vector<v1::LineageEvent> events = RandomPipeline(options);
  std::vector<v1::LineageEvent> shuffled = events;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(5));
  std::vector<v1::LineageEvent> reversed(events.rbegin(), events.rend());

  GraphLedger in_order(true), in_shuffle(false), in_reverse(true);
  ASSERT_TRUE(in_order.Start().ok());
  ASSERT_TRUE(in_shuffle.Start().ok());
  ASSERT_TRUE(in_reverse.Start().ok());
  ASSERT_TRUE(in_order.Append(events, 8).ok());
  ASSERT_TRUE(in_shuffle.Append(shuffled, 5).ok());
  ASSERT_TRUE(in_reverse.Append(reversed, 1).ok());

  const Semantic want = SemanticGraph(in_order);
  EXPECT_GT(want.edges.size(), 300u);
  for (GraphLedger* other : {&in_shuffle, &in_reverse}) {
    const Semantic got = SemanticGraph(*other);
    EXPECT_EQ(got.nodes, want.nodes);
    EXPECT_TRUE(got.edges == want.edges);
    // And each is the graph the reference computes from its own order.
    testing::ExpectWholeGraph(*other, /*compare_order_dependent=*/false, "reordered");
  }
  testing::ExpectWholeGraph(in_order, /*compare_order_dependent=*/false, "in order");
}

// One run's events, sent in every order.
TEST(IngestOrderTest, RunEventsConvergeWhateverTheArrivalOrder) {
  auto run_events = [](int p) {
    const std::string run_id = absl::StrCat("gw-run-", p);
    const std::string in = DigestOf(absl::StrCat("gw-in-", p));
    const std::string out = DigestOf(absl::StrCat("gw-out-", p));
    auto base = [&](const std::string& id, int64_t seconds, v1::EventType type) {
      v1::LineageEvent e;
      e.set_event_id(absl::StrCat(id, "-", p));
      e.set_namespace_("acme.edge");
      e.mutable_event_time()->set_seconds(1763600000 + seconds);
      e.set_event_type(type);
      e.mutable_job()->set_name("sensor_etl");
      e.mutable_run()->set_run_id(run_id);
      return e;
    };
    v1::LineageEvent start = base("start", 100, v1::EVENT_TYPE_START);
    start.mutable_run()->set_kind(v1::RUN_KIND_ETL);
    start.mutable_run()->mutable_start_time()->set_seconds(1763600100);
    v1::DatasetVersion* read = start.add_inputs()->mutable_dataset();
    read->set_name("sensor.raw");
    read->set_digest(in);
    read->set_classification(v1::CLASSIFICATION_CONFIDENTIAL);
    // A late edge-gateway report: older than COMPLETE, arriving anywhere.
    v1::LineageEvent running = base("running", 150, v1::EVENT_TYPE_RUNNING);
    (*running.mutable_run()->mutable_attributes())["progress"] = "50%";
    v1::LineageEvent complete = base("complete", 200, v1::EVENT_TYPE_COMPLETE);
    complete.mutable_run()->mutable_end_time()->set_seconds(1763600200);
    (*complete.mutable_run()->mutable_attributes())["progress"] = "100%";
    v1::DatasetVersion* wrote = complete.add_outputs()->mutable_dataset();
    wrote->set_name("sensor.clean");
    wrote->set_digest(out);
    // The output asserted on its own, before the run that produced it started.
    v1::LineageEvent output;
    output.set_event_id(absl::StrCat("output-", p));
    output.set_namespace_("acme.edge");
    output.mutable_event_time()->set_seconds(1763600090);
    v1::DatasetVersion* asserted = output.add_datasets();
    asserted->set_name("sensor.clean");
    asserted->set_digest(out);
    asserted->set_owner("edge-team");
    return std::vector<v1::LineageEvent>{start, running, complete, output};
  };
  GraphLedger ledger(true);
  ASSERT_TRUE(ledger.Start().ok());
  std::vector<int> order = {0, 1, 2, 3};
  int p = 0;
  do {
    const std::vector<v1::LineageEvent> events = run_events(p);
    std::vector<v1::LineageEvent> sent;
    for (int i : order) sent.push_back(events[i]);
    ASSERT_TRUE(ledger.Append(sent, 1).ok());
    ++p;
  } while (std::next_permutation(order.begin(), order.end()));
  ASSERT_EQ(p, 24);
  testing::ExpectWholeGraph(ledger, /*compare_order_dependent=*/true, "all orders");

  for (int q = 0; q < p; ++q) {
    SCOPED_TRACE(absl::StrCat("permutation ", q));
    v1::GetNodeRequest request;
    *request.mutable_node() = ByRun("acme.edge", absl::StrCat("gw-run-", q));
    absl::StatusOr<v1::GetNodeResponse> run = ledger.graph().GetNode(request);
    ASSERT_TRUE(run.ok()) << run.status();
    ASSERT_EQ(run->nodes_size(), 1);
    const v1::NodeProperties& props = run->nodes(0).properties();
    EXPECT_EQ(props.run_state(), v1::RUN_STATE_COMPLETED);
    EXPECT_EQ(props.run_kind(), v1::RUN_KIND_ETL);
    EXPECT_EQ(props.start_time().seconds(), 1763600100);
    EXPECT_EQ(props.end_time().seconds(), 1763600200);
    EXPECT_EQ(props.attributes().at("progress"), "100%");
    EXPECT_EQ(run->nodes(0).name(), "sensor_etl");
    EXPECT_EQ(run->nodes(0).effective_classification(), v1::CLASSIFICATION_CONFIDENTIAL);

    *request.mutable_node() =
        ByDigest(v1::NODE_KIND_DATASET_VERSION, DigestOf(absl::StrCat("gw-out-", q)));
    absl::StatusOr<v1::GetNodeResponse> out = ledger.graph().GetNode(request);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->nodes(0).properties().owner(), "edge-team");
    EXPECT_EQ(out->nodes(0).effective_classification(), v1::CLASSIFICATION_CONFIDENTIAL);

    v1::TraverseRequest up;
    *up.add_start() = request.node();
    up.set_direction(v1::DIRECTION_UPSTREAM);
    up.add_edge_kinds(v1::EDGE_KIND_PRODUCED);
    up.add_edge_kinds(v1::EDGE_KIND_INPUT_TO);
    absl::StatusOr<GraphClient::Traversal> t = ledger.graph().Traverse(up);
    ASSERT_TRUE(t.ok()) << t.status();
    std::vector<std::string> keys;
    for (const v1::Node& n : t->nodes) keys.push_back(absl::StrCat(NaturalKey(n), "@", n.depth()));
    EXPECT_THAT(keys, ElementsAre(absl::StrCat("RUN|acme.edge|gw-run-", q, "@1"),
                                  absl::StrCat("DATASET_VERSION|d|",
                                               DigestOf(absl::StrCat("gw-in-", q)), "@2")));
  }
}

TEST(IngestOrderTest, SameDigestFromTwoProducersIsOneNode) {
  GraphLedger ledger(false);
  ASSERT_TRUE(ledger.Start().ok());
  auto acme = ledger.harness().AddProducer({"acme.ml/*"});
  auto globex = ledger.harness().AddProducer({"globex.*"});
  ASSERT_TRUE(acme.ok() && globex.ok());
  const std::string digest = DigestOf("shared-features");

  v1::LineageEvent produce;
  produce.set_event_id("acme-features");
  produce.set_namespace_("acme.ml/fraud");
  produce.set_event_type(v1::EVENT_TYPE_COMPLETE);
  produce.mutable_job()->set_name("build_features");
  produce.mutable_run()->set_run_id("acme-run");
  v1::DatasetVersion* src = produce.add_inputs()->mutable_dataset();
  src->set_name("transactions");
  src->set_digest(DigestOf("acme-transactions"));
  src->set_classification(v1::CLASSIFICATION_RESTRICTED);
  v1::DatasetVersion* out = produce.add_outputs()->mutable_dataset();
  out->set_name("features.v3");
  out->set_version("3");
  out->set_digest(digest);

  v1::LineageEvent consume;
  consume.set_event_id("globex-train");
  consume.set_namespace_("globex.shared");
  consume.set_event_type(v1::EVENT_TYPE_COMPLETE);
  consume.mutable_job()->set_name("train");
  consume.mutable_run()->set_run_id("globex-run");
  v1::DatasetVersion* in = consume.add_inputs()->mutable_dataset();
  in->set_name("imported_features");
  in->set_version("2026-11");
  in->set_digest(digest);
  v1::ModelVersion* model = consume.add_outputs()->mutable_model();
  model->set_name("scorer");
  model->set_version("1");

  ASSERT_TRUE(ledger.Append({produce}, 1, *acme).ok());
  ASSERT_TRUE(ledger.Append({consume}, 1, *globex).ok());

  auto get = [&](const v1::NodeSelector& s) {
    v1::GetNodeRequest request;
    *request.mutable_node() = s;
    absl::StatusOr<v1::GetNodeResponse> r = ledger.graph().GetNode(request);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<uint64_t> ids;
    if (r.ok()) {
      for (const v1::Node& n : r->nodes()) ids.push_back(n.node_id());
    }
    return ids;
  };
  const std::vector<uint64_t> by_digest = get(ByDigest(v1::NODE_KIND_DATASET_VERSION, digest));
  ASSERT_EQ(by_digest.size(), 1u);
  EXPECT_EQ(get(ByName(v1::NODE_KIND_DATASET_VERSION, "acme.ml/fraud", "features.v3", "3")),
            by_digest);
  EXPECT_EQ(
      get(ByName(v1::NODE_KIND_DATASET_VERSION, "globex.shared", "imported_features", "2026-11")),
      by_digest);
  v1::SearchNodesRequest versions;
  versions.set_kind(v1::NODE_KIND_DATASET_VERSION);
  absl::StatusOr<std::vector<v1::Node>> all = ledger.graph().SearchAll(versions);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);  // The source and the shared version.

  // Lineage crosses the producers through the one node.
  v1::TraverseRequest down;
  *down.add_start() = ByDigest(v1::NODE_KIND_DATASET_VERSION, DigestOf("acme-transactions"));
  down.set_direction(v1::DIRECTION_DOWNSTREAM);
  down.add_edge_kinds(v1::EDGE_KIND_INPUT_TO);
  down.add_edge_kinds(v1::EDGE_KIND_PRODUCED);
  absl::StatusOr<GraphClient::Traversal> t = ledger.graph().Traverse(down);
  ASSERT_TRUE(t.ok()) << t.status();
  std::vector<std::string> reached;
  for (const v1::Node& n : t->nodes) {
    reached.push_back(absl::StrCat(NaturalKey(n), "@", n.depth()));
    EXPECT_EQ(n.effective_classification(), v1::CLASSIFICATION_RESTRICTED) << NaturalKey(n);
  }
  EXPECT_THAT(
      reached,
      ElementsAre("RUN|acme.ml/fraud|acme-run@1", "DATASET_VERSION|d|" + digest + "@2",
                  "RUN|globex.shared|globex-run@3", "MODEL_VERSION|n|globex.shared|scorer|1@4"));
}

// A version reported by name only, and later with its digest.
TEST(IngestOrderTest, VersionKnownByNameAndByDigestIsLinkedAtNoDepthCost) {
  for (bool name_first : {true, false}) {
    SCOPED_TRACE(name_first ? "name first" : "digest first");
    GraphLedger ledger(name_first);
    ASSERT_TRUE(ledger.Start().ok());
    const std::string digest = DigestOf("orders-2026-11-20");
    auto run = [](const std::string& id, const std::string& in_name, const std::string& in_digest,
                  const std::string& out_name, const std::string& out_digest) {
      v1::LineageEvent e;
      e.set_event_id(id);
      e.set_namespace_("acme.etl");
      e.set_event_type(v1::EVENT_TYPE_COMPLETE);
      e.mutable_job()->set_name(id);
      e.mutable_run()->set_run_id(id);
      v1::DatasetVersion* in = e.add_inputs()->mutable_dataset();
      in->set_name(in_name);
      in->set_version("2026-11-20");
      in->set_digest(in_digest);
      v1::DatasetVersion* out = e.add_outputs()->mutable_dataset();
      out->set_name(out_name);
      out->set_version("2026-11-20");
      out->set_digest(out_digest);
      return e;
    };
    // The producer knows the digest of what it wrote only when name_first
    // is false; the consumer reads by the other identity.
    const v1::LineageEvent producer =
        run("export", "raw.orders", DigestOf("raw-orders"), "orders", name_first ? "" : digest);
    const v1::LineageEvent consumer =
        run("report", "orders", name_first ? digest : "", "orders.report", "");
    ASSERT_TRUE(ledger.Append({producer}).ok());
    ASSERT_TRUE(ledger.Append({consumer}).ok());
    ASSERT_TRUE(ledger.LoadKeys().ok());

    v1::GetNodeRequest get;
    *get.mutable_node() = ByName(v1::NODE_KIND_DATASET_VERSION, "acme.etl", "orders", "2026-11-20");
    absl::StatusOr<v1::GetNodeResponse> both = ledger.graph().GetNode(get);
    ASSERT_TRUE(both.ok()) << both.status();
    std::vector<std::string> keys;
    for (const v1::Node& n : both->nodes()) keys.push_back(NaturalKey(n));
    const std::string by_name = "DATASET_VERSION|n|acme.etl|orders|2026-11-20";
    const std::string by_digest = "DATASET_VERSION|d|" + digest;
    EXPECT_THAT(keys, UnorderedElementsAre(by_name, by_digest));

    v1::TraverseRequest down;
    *down.add_start() = ByDigest(v1::NODE_KIND_DATASET_VERSION, DigestOf("raw-orders"));
    down.set_direction(v1::DIRECTION_DOWNSTREAM);
    down.set_include_edges(true);
    absl::StatusOr<GraphClient::Traversal> t = ledger.graph().Traverse(down);
    ASSERT_TRUE(t.ok()) << t.status();
    std::vector<std::string> reached;
    for (const v1::Node& n : t->nodes) {
      reached.push_back(absl::StrCat(NaturalKey(n), "@", n.depth()));
    }
    EXPECT_THAT(reached,
                UnorderedElementsAre("RUN|acme.etl|export@1", by_name + "@2", by_digest + "@2",
                                     "RUN|acme.etl|report@3",
                                     "DATASET_VERSION|n|acme.etl|orders.report|2026-11-20@4"));
    // The link points from the name-only node to the digest node, asserted
    // by the entry that reported the second identity (the consumer's, 2).
    int same_as = 0;
    for (const v1::Edge& e : t->edges) {
      if (e.kind() != v1::EDGE_KIND_SAME_AS) continue;
      ++same_as;
      EXPECT_EQ(ledger.KeyOf(e.from_node_id()), by_name);
      EXPECT_EQ(ledger.KeyOf(e.to_node_id()), by_digest);
      EXPECT_EQ(e.log_index(), 2u);
    }
    EXPECT_EQ(same_as, 1);

    // Upstream from the report, the export is two hops away either way.
    v1::TraceRequest trace;
    *trace.mutable_target() =
        ByName(v1::NODE_KIND_DATASET_VERSION, "acme.etl", "orders.report", "2026-11-20");
    absl::StatusOr<v1::TraceResponse> tr = ledger.graph().Trace(trace);
    ASSERT_TRUE(tr.ok()) << tr.status();
    ASSERT_EQ(tr->paths_size(), 1);
    ASSERT_EQ(tr->sources(), 1u);
    std::vector<std::string> path;
    for (uint64_t id : tr->paths(0).node_ids()) path.push_back(ledger.KeyOf(id));
    EXPECT_THAT(path, ElementsAre("DATASET_VERSION|d|" + DigestOf("raw-orders"),
                                  "RUN|acme.etl|export", name_first ? by_name : by_digest,
                                  name_first ? by_digest : by_name, "RUN|acme.etl|report",
                                  "DATASET_VERSION|n|acme.etl|orders.report|2026-11-20"));
    ASSERT_EQ(tr->paths(0).edges_size(), 5);
    const v1::Edge& link = tr->paths(0).edges(2);
    EXPECT_EQ(link.kind(), v1::EDGE_KIND_SAME_AS);
    EXPECT_EQ(ledger.KeyOf(link.from_node_id()), by_name);
    EXPECT_EQ(ledger.KeyOf(link.to_node_id()), by_digest);
  }
}

}  // namespace
}  // namespace lineage
