// Traverse's options on the hand-built pipeline of
// tests/graph/audit_pipeline.h (expected answers worked out by hand), cycles,
// malformed requests, and deadlines on a graph of thousands of nodes.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "crypto/checkpoint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lineage/v1/audit.grpc.pb.h"
#include "tests/graph/audit_pipeline.h"
#include "tests/graph/graph_answers.h"
#include "tests/graph/graph_expect.h"
#include "tests/graph/graph_ledger.h"
#include "tests/graph/pipeline_generator.h"
#include "tests/testing/events.h"

namespace lineage {
namespace {

using ::lineage::testing::AuditPipeline;
using ::lineage::testing::ByDigest;
using ::lineage::testing::ByName;
using ::lineage::testing::ByRun;
using ::lineage::testing::DigestOf;
using ::lineage::testing::GraphClient;
using ::lineage::testing::GraphLedger;
using ::lineage::testing::KeyDepths;
using ::lineage::testing::MakeAuditPipeline;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class TraverseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger_.Start().ok());
    ASSERT_TRUE(ledger_.Append(p_.events, 1).ok());
    ASSERT_TRUE(ledger_.LoadKeys().ok());
  }

  v1::TraverseRequest From(std::vector<std::string> digests, v1::Direction direction) {
    v1::TraverseRequest request;
    for (const std::string& d : digests) {
      *request.add_start() = ByDigest(v1::NODE_KIND_DATASET_VERSION, d);
    }
    request.set_direction(direction);
    return request;
  }
  GraphClient::Traversal Run(const v1::TraverseRequest& request) {
    absl::StatusOr<GraphClient::Traversal> t = ledger_.graph().Traverse(request);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *std::move(t) : GraphClient::Traversal{};
  }
  absl::Status Error(const v1::TraverseRequest& request) {
    return ledger_.graph().Traverse(request).status();
  }

  const AuditPipeline p_ = MakeAuditPipeline();
  GraphLedger ledger_{true};
};

TEST_F(TraverseTest, DepthIsFromTheNearestOfManyStartNodes) {
  v1::TraverseRequest request = From({p_.s1_digest, p_.s3_digest}, v1::DIRECTION_DOWNSTREAM);
  request.add_node_kinds(v1::NODE_KIND_DEPLOYMENT);
  request.add_node_kinds(v1::NODE_KIND_MODEL_VERSION);
  const GraphClient::Traversal t = Run(request);
  EXPECT_THAT(KeyDepths(ledger_, t.nodes),
              UnorderedElementsAre(p_.m1 + "@4", p_.m2 + "@4", p_.prod + "@5", p_.staging + "@5",
                                   p_.geo_api + "@5"));
  EXPECT_FALSE(t.last.truncated());

  request.set_include_start(true);
  request.clear_node_kinds();
  request.add_node_kinds(v1::NODE_KIND_DATASET_VERSION);
  EXPECT_THAT(KeyDepths(ledger_, Run(request).nodes),
              UnorderedElementsAre(p_.s1 + "@0", p_.s3 + "@0", p_.c1 + "@2", p_.g1 + "@2",
                                   p_.f1 + "@4", p_.e1 + "@6"));
}

TEST_F(TraverseTest, MaxDepthStopsAndSaysSo) {
  v1::TraverseRequest request = From({p_.s1_digest}, v1::DIRECTION_DOWNSTREAM);
  request.set_max_depth(2);
  request.set_include_edges(true);
  GraphClient::Traversal t = Run(request);
  EXPECT_THAT(KeyDepths(ledger_, t.nodes), ElementsAre(p_.etl_customers + "@1", p_.c1 + "@2"));
  EXPECT_TRUE(t.last.truncated());
  EXPECT_EQ(t.last.truncation_reason(), v1::TRUNCATION_REASON_MAX_DEPTH);
  // Each edge followed, with the index of the entry that first asserted it.
  std::vector<std::string> edges;
  for (const v1::Edge& e : t.edges) {
    edges.push_back(absl::StrCat(ledger_.KeyOf(e.from_node_id()), " ", v1::EdgeKind_Name(e.kind()),
                                 " ", ledger_.KeyOf(e.to_node_id()), " @", e.log_index()));
  }
  EXPECT_THAT(edges, ElementsAre(p_.s1 + " EDGE_KIND_INPUT_TO " + p_.etl_customers + " @5",
                                 p_.etl_customers + " EDGE_KIND_PRODUCED " + p_.c1 + " @5"));

  request.set_max_depth(7);
  t = Run(request);
  EXPECT_EQ(t.nodes.size(), 9u);  // All but the evaluation's output, at 8.
  EXPECT_TRUE(t.last.truncated());
  request.set_max_depth(8);
  t = Run(request);
  EXPECT_EQ(t.nodes.size(), 10u);
  EXPECT_FALSE(t.last.truncated());
  EXPECT_EQ(t.last.truncation_reason(), v1::TRUNCATION_REASON_UNSPECIFIED);
  request.set_max_depth(0);  // Unbounded.
  EXPECT_EQ(Run(request).nodes.size(), 10u);
}

TEST_F(TraverseTest, EdgeKindsChooseWhatIsFollowed) {
  v1::TraverseRequest request;
  *request.add_start() = ByDigest(v1::NODE_KIND_MODEL_VERSION, p_.m1_digest);
  request.set_direction(v1::DIRECTION_UPSTREAM);
  request.add_edge_kinds(v1::EDGE_KIND_HAS_VERSION);
  EXPECT_THAT(KeyDepths(ledger_, Run(request).nodes), ElementsAre("MODEL|acme.ml|fraud-model@1"));

  request.clear_start();
  *request.add_start() = ByName(v1::NODE_KIND_DATASET, "acme.raw", "customers");
  request.set_direction(v1::DIRECTION_DOWNSTREAM);
  EXPECT_THAT(KeyDepths(ledger_, Run(request).nodes),
              UnorderedElementsAre(p_.s1 + "@1", p_.s1o + "@1"));

  request.clear_start();
  *request.add_start() = ByRun("acme.ml", "evaluate");
  request.set_direction(v1::DIRECTION_UPSTREAM);
  request.clear_edge_kinds();
  request.add_edge_kinds(v1::EDGE_KIND_EXECUTES);
  request.add_edge_kinds(v1::EDGE_KIND_INPUT_TO);
  EXPECT_THAT(KeyDepths(ledger_, Run(request).nodes),
              UnorderedElementsAre("JOB|acme.ml|evaluate@1", p_.m1 + "@1", p_.c2 + "@1"));
}

TEST_F(TraverseTest, StopAtReturnsButDoesNotExpand) {
  v1::TraverseRequest request = From({p_.s1_digest}, v1::DIRECTION_DOWNSTREAM);
  v1::NodeMatch* stop = request.add_stop_at();
  stop->set_kind(v1::NODE_KIND_RUN);
  stop->set_namespace_prefix("acme.features");
  EXPECT_THAT(KeyDepths(ledger_, Run(request).nodes),
              ElementsAre(p_.etl_customers + "@1", p_.c1 + "@2", p_.build_features + "@3"));

  request = From({p_.s3_digest}, v1::DIRECTION_DOWNSTREAM);
  request.add_stop_at()->set_namespace_prefix("acme.ml");  // Any kind.
  EXPECT_THAT(KeyDepths(ledger_, Run(request).nodes),
              UnorderedElementsAre(p_.etl_customers + "@1", p_.build_geo + "@1", p_.c1 + "@2",
                                   p_.g1 + "@2", p_.build_features + "@3", p_.train_fraud + "@3",
                                   p_.train_geo + "@3", p_.f1 + "@4"));
  // The start node itself is always expanded.
  request = From({p_.s3_digest}, v1::DIRECTION_DOWNSTREAM);
  request.add_stop_at()->set_kind(v1::NODE_KIND_DATASET_VERSION);
  EXPECT_THAT(KeyDepths(ledger_, Run(request).nodes),
              UnorderedElementsAre(p_.etl_customers + "@1", p_.build_geo + "@1", p_.c1 + "@2",
                                   p_.g1 + "@2"));
}

TEST_F(TraverseTest, LimitTruncatesNearestFirst) {
  v1::TraverseRequest request = From({p_.s1_digest}, v1::DIRECTION_DOWNSTREAM);
  request.set_limit(3);
  GraphClient::Traversal t = Run(request);
  EXPECT_THAT(KeyDepths(ledger_, t.nodes),
              ElementsAre(p_.etl_customers + "@1", p_.c1 + "@2", p_.build_features + "@3"));
  EXPECT_TRUE(t.last.truncated());
  EXPECT_EQ(t.last.truncation_reason(), v1::TRUNCATION_REASON_NODE_LIMIT);
  EXPECT_EQ(t.last.returned(), 3u);
  request.set_limit(10);  // Exactly what there is: complete.
  t = Run(request);
  EXPECT_EQ(t.nodes.size(), 10u);
  EXPECT_FALSE(t.last.truncated());
}

TEST_F(TraverseTest, SmallPagesHoldEveryNodeOnceWithTotalsOnTheLast) {
  v1::TraverseRequest request = From({p_.s3_digest}, v1::DIRECTION_DOWNSTREAM);
  request.set_include_start(true);
  request.set_include_edges(true);
  request.set_page_size(2);
  absl::StatusOr<std::vector<v1::TraverseResponse>> pages = ledger_.graph().TraversePages(request);
  ASSERT_TRUE(pages.ok()) << pages.status();
  ASSERT_GE(pages->size(), 8u);  // 16 nodes, 2 a page.
  std::set<uint64_t> seen;
  uint32_t depth = 0;
  for (size_t i = 0; i < pages->size(); ++i) {
    const v1::TraverseResponse& page = (*pages)[i];
    EXPECT_LE(page.nodes_size(), 2);
    EXPECT_LE(page.edges_size(), 2);
    EXPECT_EQ(page.done(), i + 1 == pages->size());
    for (const v1::Node& n : page.nodes()) {
      EXPECT_TRUE(seen.insert(n.node_id()).second) << ledger_.KeyOf(n.node_id());
      EXPECT_GE(n.depth(), depth);
      depth = n.depth();
    }
  }
  EXPECT_EQ(seen.size(), 16u);
  const v1::TraverseResponse& last = pages->back();
  EXPECT_EQ(last.returned(), 16u);
  EXPECT_EQ(last.visited(), 16u);
  EXPECT_FALSE(last.truncated());
  for (const v1::TraverseResponse* page : {&pages->front(), &pages->back()}) {
    absl::StatusOr<Checkpoint> c =
        ledger_.harness().verifier().VerifyCheckpoint(page->checkpoint());
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->size, p_.events.size() + 1);
  }
}

TEST_F(TraverseTest, CyclesTerminateWithShortestDepths) {
  // a reads x and writes y; b reads y and writes x; c reads and writes z.
  auto run = [](const std::string& id, const std::string& in, const std::string& out) {
    v1::LineageEvent e;
    e.set_event_id("cycle-" + id);
    e.set_namespace_("acme.loop");
    e.set_event_type(v1::EVENT_TYPE_COMPLETE);
    e.mutable_job()->set_name(id);
    e.mutable_run()->set_run_id(id);
    v1::DatasetVersion* i = e.add_inputs()->mutable_dataset();
    i->set_name(in);
    i->set_digest(DigestOf(in));
    v1::DatasetVersion* o = e.add_outputs()->mutable_dataset();
    o->set_name(out);
    o->set_digest(DigestOf(out));
    return e;
  };
  ASSERT_TRUE(ledger_.Append({run("a", "x", "y"), run("b", "y", "x"), run("c", "z", "z")}).ok());
  ASSERT_TRUE(ledger_.LoadKeys().ok());
  const std::string x = "DATASET_VERSION|d|" + DigestOf("x");
  const std::string y = "DATASET_VERSION|d|" + DigestOf("y");
  for (v1::Direction d : {v1::DIRECTION_DOWNSTREAM, v1::DIRECTION_UPSTREAM}) {
    v1::TraverseRequest request = From({DigestOf("x")}, d);
    request.add_edge_kinds(v1::EDGE_KIND_INPUT_TO);
    request.add_edge_kinds(v1::EDGE_KIND_PRODUCED);
    request.set_include_start(true);
    const std::string first = d == v1::DIRECTION_DOWNSTREAM ? "a" : "b";
    const std::string second = d == v1::DIRECTION_DOWNSTREAM ? "b" : "a";
    EXPECT_THAT(KeyDepths(ledger_, Run(request).nodes),
                ElementsAre(x + "@0", "RUN|acme.loop|" + first + "@1", y + "@2",
                            "RUN|acme.loop|" + second + "@3"));
  }
  v1::TraverseRequest loop = From({DigestOf("z")}, v1::DIRECTION_DOWNSTREAM);
  loop.add_edge_kinds(v1::EDGE_KIND_INPUT_TO);
  loop.add_edge_kinds(v1::EDGE_KIND_PRODUCED);
  EXPECT_THAT(KeyDepths(ledger_, Run(loop).nodes), ElementsAre("RUN|acme.loop|c@1"));
}

TEST_F(TraverseTest, MalformedRequestsAreInvalidArgument) {
  const v1::TraverseRequest good = From({p_.s1_digest}, v1::DIRECTION_DOWNSTREAM);
  ASSERT_TRUE(Error(good).ok());
  v1::TraverseRequest r = good;
  r.clear_start();
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  r.set_direction(v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Error(r).message(), HasSubstr("direction"));
  r.set_direction(static_cast<v1::Direction>(7));
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  *r.add_start() = v1::NodeSelector();  // Neither ID nor kind.
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Error(r).message(), HasSubstr("start[1]"));
  r = good;
  *r.add_start() = ByName(v1::NODE_KIND_DATASET, "acme.raw", "");  // No name.
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  v1::NodeSelector run;
  run.set_kind(v1::NODE_KIND_RUN);
  run.set_run_id("etl-customers");  // No namespace.
  *r.add_start() = run;
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  v1::NodeSelector odd;
  odd.set_kind(static_cast<v1::NodeKind>(42));
  odd.set_namespace_("acme.raw");
  odd.set_name("customers");
  *r.add_start() = odd;
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  r.set_limit(10000001);
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  r.set_view(static_cast<v1::NodeView>(9));
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  // Kinds the API does not define are refused, not silently mapped.
  r = good;
  r.add_edge_kinds(static_cast<v1::EdgeKind>(40));
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  r.add_node_kinds(static_cast<v1::NodeKind>(-1));
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  r.add_stop_at()->set_kind(static_cast<v1::NodeKind>(99));
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  r = good;
  r.set_min_effective_classification(static_cast<v1::Classification>(12));
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Error(r).message(), HasSubstr("min_effective_classification"));

  v1::TraceRequest trace;
  *trace.mutable_target() = ByDigest(v1::NODE_KIND_MODEL_VERSION, p_.m1_digest);
  trace.add_edge_kinds(static_cast<v1::EdgeKind>(33));
  EXPECT_EQ(ledger_.graph().Trace(trace).status().code(), absl::StatusCode::kInvalidArgument);
  v1::SearchNodesRequest search;
  search.set_min_classification(static_cast<v1::Classification>(5));
  EXPECT_EQ(ledger_.graph().Search(search).status().code(), absl::StatusCode::kInvalidArgument);
  search = {};
  search.set_kind(static_cast<v1::NodeKind>(8));
  EXPECT_EQ(ledger_.graph().Search(search).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TraverseTest, UnknownStartNodesAreNotFoundNamingWhatWasAsked) {
  v1::TraverseRequest r = From({DigestOf("no such data")}, v1::DIRECTION_UPSTREAM);
  absl::Status status = Error(r);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(DigestOf("no such data")));
  EXPECT_THAT(status.message(), HasSubstr("start[0]"));
  r.clear_start();
  *r.add_start() = ByDigest(v1::NODE_KIND_DATASET_VERSION, p_.s1_digest);
  *r.add_start() = ByName(v1::NODE_KIND_DEPLOYMENT, "acme.serving", "fraud-api-canary");
  status = Error(r);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("start[1]"));
  EXPECT_THAT(status.message(), HasSubstr("fraud-api-canary"));
  // A node that exists, but not yet at the tree size asked for.
  r.clear_start();
  *r.add_start() = ByName(v1::NODE_KIND_DEPLOYMENT, "acme.serving", "geo-api");
  *r.mutable_as_of() = testing::AtSize(14);
  EXPECT_EQ(Error(r).code(), absl::StatusCode::kNotFound);
  *r.mutable_as_of() = testing::AtSize(15);
  EXPECT_TRUE(Error(r).ok());

  v1::TraceRequest trace;
  *trace.mutable_target() = ByDigest(v1::NODE_KIND_MODEL_VERSION, DigestOf("no such model"));
  status = ledger_.graph().Trace(trace).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(DigestOf("no such model")));
}

// A graph of thousands of nodes with fan-out, and callers that give up.
class BigGraphTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger_.Start().ok());
    // 3 layers of 15 runs, each reading 40 versions and writing 100: about
    // 4,600 nodes downstream of one source.
    ASSERT_TRUE(ledger_.Append(testing::BigPipeline(3, 15, 40, 100), 8).ok());
    request_ = v1::TraverseRequest();
    *request_.add_start() =
        ByDigest(v1::NODE_KIND_DATASET_VERSION, testing::BigPipelineSourceDigest());
    request_.set_direction(v1::DIRECTION_DOWNSTREAM);
    request_.set_view(v1::NODE_VIEW_FULL);
    request_.set_include_edges(true);
    request_.set_page_size(50);
  }

  GraphLedger ledger_{GetParam()};
  v1::TraverseRequest request_;
};

TEST_P(BigGraphTest, BigTraversalCompletesWithoutADeadline) {
  absl::StatusOr<GraphClient::Traversal> t = ledger_.graph().Traverse(request_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->nodes.size(), 4545u);  // 45 runs, 4,500 versions.
  EXPECT_GT(t->pages, 90);
  EXPECT_FALSE(t->last.truncated());
}

TEST_P(BigGraphTest, DeadlinePassingDuringTheTraversalIsDeadlineExceeded) {
  for (int i = 0; i < 3; ++i) {
    absl::Status status = ledger_.graph().Traverse(request_, absl::Milliseconds(1)).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  }
  // The server dropped that work and answers the next caller at once.
  v1::GetNodeRequest get;
  *get.mutable_node() = ByDigest(v1::NODE_KIND_DATASET_VERSION, testing::BigPipelineSourceDigest());
  const absl::Time start = absl::Now();
  absl::StatusOr<v1::GetNodeResponse> node = ledger_.graph().GetNode(get);
  EXPECT_TRUE(node.ok()) << node.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_P(BigGraphTest, CallerThatCancelsAfterOnePageEndsTheStream) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>> reader =
      ledger_.graph().stub().Traverse(&context, request_);
  v1::TraverseResponse page;
  ASSERT_TRUE(reader->Read(&page));
  EXPECT_EQ(page.nodes_size(), 50);
  EXPECT_FALSE(page.done());
  context.TryCancel();
  while (reader->Read(&page)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server is still there for others.
  absl::StatusOr<GraphClient::Traversal> t = ledger_.graph().Traverse(request_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->nodes.size(), 4545u);
}

// The records of LineageService/Traverse calls made at or after `from`
// (the fake clock's time), oldest first.
std::vector<v1::AccessRecord> TraverseRecordsSince(GraphLedger& ledger, absl::Time from) {
  auto audit = v1::AuditService::NewStub(ledger.harness().channel());
  v1::QueryAccessLogRequest request;
  request.mutable_from_time()->set_seconds(absl::ToUnixSeconds(from));
  request.set_page_size(1000);
  grpc::ClientContext context;
  v1::QueryAccessLogResponse response;
  EXPECT_TRUE(audit->QueryAccessLog(&context, request, &response).ok());
  std::vector<v1::AccessRecord> out;
  for (const v1::AccessRecord& r : response.records()) {
    if (r.method() == "lineage.v1.LineageService/Traverse") out.push_back(r);
  }
  return out;
}

// Thousands of nodes over more pages than the transport buffers: the record
// naming all of them is durable before the first page arrives, and a caller
// that stops reading leaves a second record saying so.
TEST_P(BigGraphTest, AnAnswerIsRecordedWholeBeforeItsFirstPage) {
  // A connection of its own whose receive window stays at HTTP/2's 64 KiB
  // (no BDP probing growing it): the server cannot get far ahead.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 64 << 10);
  args.SetString("lineage.test.connection", "held up by flow control");
  auto lineage = v1::LineageService::NewStub(grpc::CreateCustomChannel(
      ledger_.harness().address(), grpc::InsecureChannelCredentials(), args));
  ledger_.clock().Advance(absl::Seconds(10));
  const absl::Time from = ledger_.clock().Now();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>> reader =
      lineage->Traverse(&context, request_);
  v1::TraverseResponse page;
  ASSERT_TRUE(reader->Read(&page));
  ASSERT_FALSE(page.done());
  // The server is held up by flow control many pages before the end.
  const std::vector<v1::AccessRecord> before_the_rest = TraverseRecordsSince(ledger_, from);
  ASSERT_EQ(before_the_rest.size(), 1u);
  const v1::AccessRecord& record = before_the_rest[0];
  EXPECT_EQ(record.status_code(), 0);

  std::set<uint64_t> named;
  int pages = 0;
  do {
    ++pages;
    for (const v1::Node& n : page.nodes()) named.insert(n.node_id());
    for (const v1::Edge& e : page.edges()) named.insert({e.from_node_id(), e.to_node_id()});
  } while (reader->Read(&page));
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_GT(pages, 90);
  EXPECT_EQ(record.nodes_answered(), named.size());  // 4,545 nodes and the source.
  ASSERT_EQ(record.node_ids_size(), 1000);
  EXPECT_TRUE(std::equal(record.node_ids().begin(), record.node_ids().end(), named.begin()));
  EXPECT_EQ(TraverseRecordsSince(ledger_, from).size(), 1u);  // One record for a whole answer.

  // A caller that gives up after one page.
  ledger_.clock().Advance(absl::Seconds(10));
  const absl::Time later = ledger_.clock().Now();
  grpc::ClientContext cancelled;
  reader = lineage->Traverse(&cancelled, request_);
  ASSERT_TRUE(reader->Read(&page));
  cancelled.TryCancel();
  while (reader->Read(&page)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  std::vector<v1::AccessRecord> records;
  for (int i = 0; i < 100 && records.size() < 2; ++i) {
    if (i > 0) absl::SleepFor(absl::Milliseconds(50));
    records = TraverseRecordsSince(ledger_, later);
  }
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].status_code(), 0);
  EXPECT_EQ(records[0].nodes_answered(), named.size());
  EXPECT_EQ(records[1].status_code(), static_cast<int>(absl::StatusCode::kCancelled));
  EXPECT_EQ(records[1].nodes_answered(), 0u);
  EXPECT_EQ(records[1].request_json(), records[0].request_json());
}

TEST_P(BigGraphTest, DeletionImpactOfThousandsIsNeverCapped) {
  v1::DeletionImpactRequest request;
  *request.add_sources() = request_.start(0);
  request.set_page_size(500);
  absl::StatusOr<GraphClient::Impact> impact = ledger_.graph().DeletionImpact(request);
  ASSERT_TRUE(impact.ok()) << impact.status();
  EXPECT_GE(impact->pages, 10);
  EXPECT_TRUE(impact->last.complete());
  EXPECT_EQ(impact->last.total_dataset_versions(), 4500u);
  EXPECT_EQ(impact->last.total_runs(), 45u);
  EXPECT_EQ(impact->dataset_versions.size(), 4500u);
  EXPECT_EQ(impact->runs.size(), 45u);
  std::set<uint64_t> seen;
  std::map<uint32_t, int> by_depth;
  for (const v1::ImpactedNode& n : impact->dataset_versions) {
    EXPECT_TRUE(seen.insert(n.node().node_id()).second);
    ++by_depth[n.node().depth()];
    EXPECT_EQ(n.witness_path_size(), static_cast<int>(n.node().depth()) + 1);
  }
  // 1,500 versions written by each layer, two hops further each time.
  EXPECT_EQ(by_depth, (std::map<uint32_t, int>{{2, 1500}, {4, 1500}, {6, 1500}}));
}

INSTANTIATE_TEST_SUITE_P(Modes, BigGraphTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Memory" : "RocksDb";
                         });

}  // namespace
}  // namespace lineage
