// DeletionImpact and Trace on the hand-built pipeline of
// tests/graph/audit_pipeline.h, against sets and paths worked out by hand.
#include <map>

#include "absl/strings/str_cat.h"
#include "crypto/checkpoint.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lineage/v1/audit.grpc.pb.h"
#include "server/ledger/proto_time.h"
#include "storage/audit_store.h"
#include "storage/database.h"
#include "tests/graph/audit_pipeline.h"
#include "tests/graph/graph_answers.h"
#include "tests/graph/graph_expect.h"
#include "tests/graph/graph_ledger.h"
#include "tests/testing/events.h"

namespace lineage {
namespace {

using ::lineage::testing::AuditPipeline;
using ::lineage::testing::ByDigest;
using ::lineage::testing::ByName;
using ::lineage::testing::ByRun;
using ::lineage::testing::GraphClient;
using ::lineage::testing::GraphLedger;
using ::lineage::testing::MakeAuditPipeline;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

class AuditPipelineTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger_.Start().ok());
    ASSERT_TRUE(ledger_.Append(p_.events, 1).ok());
    ASSERT_TRUE(ledger_.LoadKeys().ok());
  }

  // "key@depth" of a group.
  std::vector<std::string> Group(const std::vector<v1::ImpactedNode>& group) {
    std::vector<std::string> out;
    for (const v1::ImpactedNode& n : group) {
      out.push_back(absl::StrCat(ledger_.KeyOf(n.node().node_id()), "@", n.node().depth()));
    }
    return out;
  }
  // The witness of `key` in `group`, by natural keys (empty if absent).
  std::vector<std::string> Witness(const std::vector<v1::ImpactedNode>& group,
                                   const std::string& key) {
    std::vector<std::string> out;
    for (const v1::ImpactedNode& n : group) {
      if (ledger_.KeyOf(n.node().node_id()) != key) continue;
      for (uint64_t id : n.witness_path()) out.push_back(ledger_.KeyOf(id));
      EXPECT_EQ(n.source_node_id(), n.witness_path(0));
    }
    return out;
  }
  std::string Owner(const std::vector<v1::ImpactedNode>& group, const std::string& key) {
    for (const v1::ImpactedNode& n : group) {
      if (ledger_.KeyOf(n.node().node_id()) == key) return n.owner();
    }
    return "<absent>";
  }
  GraphClient::Impact Impact(v1::DeletionImpactRequest request) {
    request.set_page_size(2);  // Several pages.
    absl::StatusOr<GraphClient::Impact> impact = ledger_.graph().DeletionImpact(request);
    EXPECT_TRUE(impact.ok()) << impact.status();
    return impact.ok() ? *std::move(impact) : GraphClient::Impact{};
  }
  std::vector<std::string> Sources(const GraphClient::Impact& impact) {
    std::vector<std::string> out;
    for (const v1::Node& n : impact.sources) out.push_back(ledger_.KeyOf(n.node_id()));
    return out;
  }

  const AuditPipeline p_ = MakeAuditPipeline();
  GraphLedger ledger_{GetParam()};
};

TEST_P(AuditPipelineTest, SubjectTokenImpactsEverythingDerivedWithWitnessAndOwner) {
  v1::DeletionImpactRequest request;
  request.add_subject_tokens(p_.token_a);
  const GraphClient::Impact impact = Impact(request);
  EXPECT_THAT(Sources(impact), UnorderedElementsAre(p_.s1, p_.s1o));
  EXPECT_THAT(Group(impact.dataset_versions),
              UnorderedElementsAre(p_.c1 + "@2", p_.a1 + "@2", p_.f1 + "@4", p_.e1 + "@8"));
  EXPECT_THAT(Group(impact.runs), UnorderedElementsAre(p_.etl_customers + "@1", p_.archive + "@1",
                                                       p_.build_features + "@3",
                                                       p_.train_fraud + "@5", p_.evaluate + "@7"));
  EXPECT_THAT(Group(impact.model_versions), ElementsAre(p_.m1 + "@6"));
  EXPECT_THAT(Group(impact.deployments), UnorderedElementsAre(p_.prod + "@7", p_.staging + "@7"));
  EXPECT_EQ(impact.last.total_dataset_versions(), 4u);
  EXPECT_EQ(impact.last.total_runs(), 5u);
  EXPECT_EQ(impact.last.total_model_versions(), 1u);
  EXPECT_EQ(impact.last.total_deployments(), 2u);
  EXPECT_TRUE(impact.last.complete());
  EXPECT_GT(impact.pages, 3);

  EXPECT_THAT(Witness(impact.dataset_versions, p_.a1), ElementsAre(p_.s1o, p_.archive, p_.a1));
  EXPECT_THAT(Witness(impact.dataset_versions, p_.e1),
              ElementsAre(p_.s1, p_.etl_customers, p_.c1, p_.build_features, p_.f1, p_.train_fraud,
                          p_.m1, p_.evaluate, p_.e1));
  EXPECT_THAT(Witness(impact.deployments, p_.prod),
              ElementsAre(p_.s1, p_.etl_customers, p_.c1, p_.build_features, p_.f1, p_.train_fraud,
                          p_.m1, p_.prod));
  EXPECT_THAT(
      Witness(impact.runs, p_.train_fraud),
      ElementsAre(p_.s1, p_.etl_customers, p_.c1, p_.build_features, p_.f1, p_.train_fraud));

  EXPECT_EQ(Owner(impact.dataset_versions, p_.c1), "etl-team");
  EXPECT_EQ(Owner(impact.dataset_versions, p_.a1), "archive-team");
  EXPECT_EQ(Owner(impact.dataset_versions, p_.f1), "feature-team");
  EXPECT_EQ(Owner(impact.dataset_versions, p_.e1), "eval-team");
  EXPECT_EQ(Owner(impact.model_versions, p_.m1), "ml-team");
  EXPECT_EQ(Owner(impact.runs, p_.evaluate), "");  // Runs and deployments have no owner.

  // The answer names a checkpoint the log key signed, at the latest size.
  absl::StatusOr<Checkpoint> checkpoint =
      ledger_.harness().verifier().VerifyCheckpoint(impact.first_checkpoint);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->size, p_.events.size() + 1);
}

TEST_P(AuditPipelineTest, ColumnsNameEachOwnerOnceAPageAndEveryNodeItsOwn) {
  v1::DeletionImpactRequest request;
  request.add_subject_tokens(p_.token_a);
  request.set_layout(v1::ANSWER_LAYOUT_COLUMNS);
  request.set_page_size(100);  // One page: its table holds every owner.
  absl::StatusOr<std::vector<v1::DeletionImpactResponse>> pages =
      ledger_.graph().DeletionImpactPages(request);
  ASSERT_TRUE(pages.ok()) << pages.status();
  ASSERT_EQ(pages->size(), 1u);
  const v1::ImpactColumns& columns = pages->front().impacted();
  // Five owners and "" (runs and deployments), each once.
  EXPECT_THAT(columns.owner_names(),
              UnorderedElementsAre("etl-team", "archive-team", "feature-team", "eval-team",
                                   "ml-team", ""));
  ASSERT_EQ(columns.owner_indexes_size(), columns.nodes().node_ids_size());
  std::map<std::string, std::string> owner_of;
  for (int i = 0; i < columns.owner_indexes_size(); ++i) {
    ASSERT_LT(columns.owner_indexes(i), static_cast<uint32_t>(columns.owner_names_size()));
    owner_of[ledger_.KeyOf(columns.nodes().node_ids(i))] =
        columns.owner_names(static_cast<int>(columns.owner_indexes(i)));
  }
  EXPECT_EQ(owner_of[p_.c1], "etl-team");
  EXPECT_EQ(owner_of[p_.a1], "archive-team");
  EXPECT_EQ(owner_of[p_.f1], "feature-team");
  EXPECT_EQ(owner_of[p_.e1], "eval-team");
  EXPECT_EQ(owner_of[p_.m1], "ml-team");
  EXPECT_EQ(owner_of[p_.evaluate], "");
  EXPECT_EQ(owner_of[p_.prod], "");
  EXPECT_EQ(owner_of.size(), 12u);  // 4 dataset versions, 5 runs, 1 model, 2 deployments.
}

TEST_P(AuditPipelineTest, TokenInTwoSourcesWitnessesFromTheNearest) {
  v1::DeletionImpactRequest request;
  request.add_subject_tokens(p_.token_b);
  const GraphClient::Impact impact = Impact(request);
  EXPECT_THAT(Sources(impact), UnorderedElementsAre(p_.s1, p_.s2));
  EXPECT_THAT(Group(impact.dataset_versions),
              UnorderedElementsAre(p_.c1 + "@2", p_.c2 + "@2", p_.f1 + "@4", p_.e1 + "@4"));
  EXPECT_THAT(
      Group(impact.runs),
      UnorderedElementsAre(p_.etl_customers + "@1", p_.etl_transactions + "@1",
                           p_.build_features + "@3", p_.evaluate + "@3", p_.train_fraud + "@5"));
  // The evaluation is nearer transactions than customers.
  EXPECT_THAT(Witness(impact.dataset_versions, p_.e1),
              ElementsAre(p_.s2, p_.etl_transactions, p_.c2, p_.evaluate, p_.e1));
  // Features are 4 hops from either source: either witness will do.
  EXPECT_THAT(Witness(impact.dataset_versions, p_.f1),
              AnyOf(ElementsAre(p_.s1, p_.etl_customers, p_.c1, p_.build_features, p_.f1),
                    ElementsAre(p_.s2, p_.etl_transactions, p_.c2, p_.build_features, p_.f1)));
}

TEST_P(AuditPipelineTest, SourceVersionsAndWholeDatasetsImpactTheirDownstream) {
  v1::DeletionImpactRequest by_version;
  *by_version.add_sources() = ByDigest(v1::NODE_KIND_DATASET_VERSION, p_.s3_digest);
  const GraphClient::Impact public_data = Impact(by_version);
  EXPECT_THAT(Sources(public_data), ElementsAre(p_.s3));
  EXPECT_THAT(Group(public_data.dataset_versions),
              UnorderedElementsAre(p_.c1 + "@2", p_.g1 + "@2", p_.f1 + "@4", p_.e1 + "@6"));
  EXPECT_THAT(
      Group(public_data.runs),
      UnorderedElementsAre(p_.etl_customers + "@1", p_.build_geo + "@1", p_.build_features + "@3",
                           p_.train_fraud + "@3", p_.train_geo + "@3", p_.evaluate + "@5"));
  EXPECT_THAT(Group(public_data.model_versions), UnorderedElementsAre(p_.m1 + "@4", p_.m2 + "@4"));
  EXPECT_THAT(Group(public_data.deployments),
              UnorderedElementsAre(p_.prod + "@5", p_.staging + "@5", p_.geo_api + "@5"));
  EXPECT_THAT(Witness(public_data.deployments, p_.geo_api),
              ElementsAre(p_.s3, p_.build_geo, p_.g1, p_.train_geo, p_.m2, p_.geo_api));

  // A dataset stands for all its versions: the same answer as token A,
  // which both customers versions carry.
  v1::DeletionImpactRequest by_dataset;
  *by_dataset.add_sources() = ByName(v1::NODE_KIND_DATASET, "acme.raw", "customers");
  v1::DeletionImpactRequest by_token;
  by_token.add_subject_tokens(p_.token_a);
  const GraphClient::Impact dataset = Impact(by_dataset);
  const GraphClient::Impact token = Impact(by_token);
  EXPECT_THAT(Sources(dataset), UnorderedElementsAre(p_.s1, p_.s1o));
  for (auto group : {&GraphClient::Impact::dataset_versions, &GraphClient::Impact::runs,
                     &GraphClient::Impact::model_versions, &GraphClient::Impact::deployments}) {
    EXPECT_THAT(Group(dataset.*group), UnorderedElementsAreArray(Group(token.*group)));
  }

  // Tokens and sources together: their union.
  v1::DeletionImpactRequest both;
  both.add_subject_tokens(p_.token_c);
  *both.add_sources() = ByName(v1::NODE_KIND_DATASET_VERSION, "acme.raw", "country_codes", "1");
  EXPECT_THAT(Sources(Impact(both)), UnorderedElementsAre(p_.s2, p_.s3));
}

TEST_P(AuditPipelineTest, DeletionImpactAsOfBeforeTheDeployments) {
  v1::DeletionImpactRequest request;
  request.add_subject_tokens(p_.token_a);
  *request.mutable_as_of() = testing::AtSize(13);  // Entries 0-12: deployments come at 13.
  const GraphClient::Impact impact = Impact(request);
  EXPECT_THAT(Group(impact.model_versions), ElementsAre(p_.m1 + "@6"));
  EXPECT_THAT(Group(impact.deployments), IsEmpty());
  EXPECT_EQ(impact.last.total_deployments(), 0u);
  EXPECT_EQ(impact.first_checkpoint.tree_size(), 13u);
  EXPECT_TRUE(ledger_.harness().verifier().VerifyCheckpoint(impact.first_checkpoint).ok());
}

TEST_P(AuditPipelineTest, DeletionImpactRejectsWhatIsNotASource) {
  v1::DeletionImpactRequest run;
  *run.add_sources() = ByRun("acme.etl", "archive");
  absl::Status status = ledger_.graph().DeletionImpact(run).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("NODE_KIND_RUN"));
  EXPECT_EQ(ledger_.graph().DeletionImpact({}).status().code(), absl::StatusCode::kInvalidArgument);
  v1::DeletionImpactRequest unknown;
  const std::string digest = testing::DigestOf("never-reported");
  *unknown.add_sources() = ByDigest(v1::NODE_KIND_DATASET_VERSION, digest);
  status = ledger_.graph().DeletionImpact(unknown).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(digest));
  // A token nobody reported impacts nothing, completely.
  v1::DeletionImpactRequest nobody;
  nobody.add_subject_tokens("hmac:subject-zzzz");
  const GraphClient::Impact none = Impact(nobody);
  EXPECT_TRUE(none.sources.empty() && none.dataset_versions.empty() && none.runs.empty());
  EXPECT_TRUE(none.last.complete());
}

TEST_P(AuditPipelineTest, StreamedRequestsThatDoNotParseAreInvalidArgumentNamingTheMessage) {
  // Strings that are not UTF-8: the client sends them (protobuf only logs),
  // the server cannot parse the request. The two streamed methods parse
  // their own requests (server/service/paged_writer.h) and say what was
  // wrong, where gRPC's typed handlers answer UNIMPLEMENTED with no message.
  v1::DeletionImpactRequest impact;
  impact.add_subject_tokens(std::string(8, '\xff'));
  absl::Status status = ledger_.graph().DeletionImpact(impact).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(),
              HasSubstr("not a valid serialized lineage.v1.DeletionImpactRequest"));
  v1::TraverseRequest traverse;
  *traverse.add_start() = ByName(v1::NODE_KIND_DATASET, std::string(4, '\xfe'), "x");
  status = ledger_.graph().Traverse(traverse).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr("not a valid serialized lineage.v1.TraverseRequest"));
  // The server goes on answering.
  v1::DeletionImpactRequest nobody;
  nobody.add_subject_tokens("hmac:subject-zzzz");
  EXPECT_TRUE(Impact(nobody).last.complete());
}

// The newest access record of `method`.
absl::StatusOr<v1::AccessRecord> NewestRecordOf(GraphLedger& ledger, const std::string& method) {
  auto audit = v1::AuditService::NewStub(ledger.harness().channel());
  grpc::ClientContext context;
  v1::QueryAccessLogRequest request;
  request.set_page_size(1000);
  v1::QueryAccessLogResponse response;
  if (grpc::Status s = audit->QueryAccessLog(&context, request, &response); !s.ok()) {
    return absl::InternalError(s.error_message());
  }
  for (int i = response.records_size() - 1; i >= 0; --i) {
    if (response.records(i).method() == method) return response.records(i);
  }
  return absl::NotFoundError(absl::StrCat("no record of ", method));
}

TEST_P(AuditPipelineTest, ARestartRecomputesTheAnswerOfARecordACrashLeftOpen) {
  constexpr absl::string_view kMethod = "lineage.v1.LineageService/DeletionImpact";
  // As of before the deployments (see DeletionImpactAsOfBeforeTheDeployments):
  // a different answer from the latest one.
  v1::DeletionImpactRequest request;
  request.add_subject_tokens(p_.token_a);
  request.mutable_as_of()->set_tree_size(13);
  const GraphClient::Impact impact = Impact(request);
  const size_t answered = impact.sources.size() + impact.dataset_versions.size() +
                          impact.runs.size() + impact.model_versions.size() +
                          impact.deployments.size();
  ASSERT_GT(answered, 2u);
  absl::StatusOr<v1::AccessRecord> live = NewestRecordOf(ledger_, std::string(kMethod));
  ASSERT_TRUE(live.ok()) << live.status();
  // The live record: answered (not pending), at the tree size the answer
  // was computed at, naming what the answer named.
  EXPECT_FALSE(live->answer_pending());
  EXPECT_FALSE(live->answer_recomputed());
  EXPECT_TRUE(live->pending_request().empty());
  EXPECT_EQ(live->tree_size(), 13u);
  EXPECT_EQ(live->nodes_answered(), answered);
  ASSERT_EQ(static_cast<size_t>(live->node_ids_size()), answered);

  // What a crash between the record's two writes leaves: the record as
  // opened (the request pinned to that tree size, no answer fields).
  ledger_.harness().Stop();
  {
    absl::StatusOr<std::unique_ptr<Database>> db =
        Database::Open({.path = ledger_.harness().data_dir()});
    ASSERT_TRUE(db.ok()) << db.status();
    AuditStore store(**db);
    absl::StatusOr<uint64_t> next = store.ReadNextSequence();
    ASSERT_TRUE(next.ok()) << next.status();
    v1::AccessRecord open = *live;
    open.clear_node_ids();
    open.clear_namespaces();
    open.set_nodes_answered(0);
    open.set_answer_pending(true);
    open.set_sequence(*next);
    v1::DeletionImpactRequest pinned = request;
    pinned.set_page_size(2);  // As Impact sent it.
    open.set_pending_request(pinned.SerializeAsString());
    const uint64_t micros = absl::ToUnixMicros(absl::Now());
    *open.mutable_time() = ProtoTimeFromMicros(micros);
    const std::string key = AuditStore::RecordKey(micros, *next);
    WriteBatch batch(**db);
    store.Put(batch, key, open.principal(), open.SerializeAsString());
    store.PutNextSequence(batch, *next + 1);
    store.PutOpenRecords(batch, {key});
    ASSERT_TRUE((*db)->Write(batch, /*sync=*/true).ok());
  }
  // Recomputed at the record's tree size, not the latest: the answer given.
  ASSERT_TRUE(ledger_.Restart().ok());
  absl::StatusOr<v1::AccessRecord> recovered = NewestRecordOf(ledger_, std::string(kMethod));
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_GT(recovered->sequence(), live->sequence());
  EXPECT_TRUE(recovered->answer_recomputed());
  EXPECT_FALSE(recovered->answer_pending());
  EXPECT_TRUE(recovered->pending_request().empty());
  EXPECT_EQ(recovered->status_code(), 0);
  EXPECT_THAT(recovered->node_ids(), ElementsAreArray(live->node_ids()));
  EXPECT_EQ(recovered->nodes_answered(), live->nodes_answered());
  EXPECT_THAT(recovered->namespaces(), ElementsAreArray(live->namespaces()));
  EXPECT_EQ(recovered->tree_size(), live->tree_size());
}

TEST_P(AuditPipelineTest, TraceFromADeploymentGivesShortestPathsFirst) {
  v1::TraceRequest request;
  *request.mutable_target() = ByName(v1::NODE_KIND_DEPLOYMENT, "acme.serving", "fraud-api-prod");
  absl::StatusOr<v1::TraceResponse> trace = ledger_.graph().Trace(request);
  ASSERT_TRUE(trace.ok()) << trace.status();
  EXPECT_EQ(ledger_.KeyOf(trace->target().node_id()), p_.prod);
  EXPECT_EQ(trace->sources(), 3u);
  EXPECT_FALSE(trace->truncated());
  ASSERT_EQ(trace->paths_size(), 3);
  std::vector<std::vector<std::string>> paths;
  for (const v1::LineagePath& path : trace->paths()) {
    paths.emplace_back();
    for (uint64_t id : path.node_ids()) paths.back().push_back(ledger_.KeyOf(id));
  }
  EXPECT_THAT(paths[0], ElementsAre(p_.s3, p_.build_geo, p_.g1, p_.train_fraud, p_.m1, p_.prod));
  const std::vector<std::string> from_customers = {
      p_.s1, p_.etl_customers, p_.c1, p_.build_features, p_.f1, p_.train_fraud, p_.m1, p_.prod};
  const std::vector<std::string> from_transactions = {
      p_.s2, p_.etl_transactions, p_.c2, p_.build_features, p_.f1, p_.train_fraud, p_.m1, p_.prod};
  EXPECT_THAT(std::vector(paths.begin() + 1, paths.end()),
              UnorderedElementsAre(from_customers, from_transactions));
  // The edges of the first path, in data-flow direction with the index of
  // the entry that asserted each (event k is entry k).
  std::vector<std::string> edges;
  for (const v1::Edge& e : trace->paths(0).edges()) {
    edges.push_back(absl::StrCat(ledger_.KeyOf(e.from_node_id()), " ", v1::EdgeKind_Name(e.kind()),
                                 " ", ledger_.KeyOf(e.to_node_id()), " @", e.log_index()));
  }
  EXPECT_THAT(edges, ElementsAre(p_.s3 + " EDGE_KIND_INPUT_TO " + p_.build_geo + " @9",
                                 p_.build_geo + " EDGE_KIND_PRODUCED " + p_.g1 + " @9",
                                 p_.g1 + " EDGE_KIND_INPUT_TO " + p_.train_fraud + " @10",
                                 p_.train_fraud + " EDGE_KIND_PRODUCED " + p_.m1 + " @10",
                                 p_.m1 + " EDGE_KIND_SERVES " + p_.prod + " @13"));
  std::set<std::string> nodes;
  for (const v1::Node& n : trace->nodes()) nodes.insert(ledger_.KeyOf(n.node_id()));
  std::set<std::string> on_paths;
  for (const auto& path : paths) on_paths.insert(path.begin(), path.end());
  EXPECT_EQ(nodes, on_paths);

  // One path only: the shortest, and the answer says more exist.
  request.set_max_paths(1);
  trace = ledger_.graph().Trace(request);
  ASSERT_TRUE(trace.ok()) << trace.status();
  ASSERT_EQ(trace->paths_size(), 1);
  EXPECT_EQ(ledger_.KeyOf(trace->paths(0).node_ids(0)), p_.s3);
  EXPECT_TRUE(trace->truncated());
  EXPECT_EQ(trace->sources(), 3u);
}

TEST_P(AuditPipelineTest, TraceFromAModelVersionAndAnEvaluation) {
  v1::TraceRequest request;
  *request.mutable_target() = ByDigest(v1::NODE_KIND_MODEL_VERSION, p_.m1_digest);
  absl::StatusOr<v1::TraceResponse> trace = ledger_.graph().Trace(request);
  ASSERT_TRUE(trace.ok()) << trace.status();
  std::vector<std::string> sources;
  for (const v1::LineagePath& path : trace->paths()) {
    sources.push_back(absl::StrCat(ledger_.KeyOf(path.node_ids(0)), "@", path.edges_size()));
  }
  EXPECT_EQ(sources.front(), p_.s3 + "@4");
  EXPECT_THAT(sources, UnorderedElementsAre(p_.s3 + "@4", p_.s1 + "@6", p_.s2 + "@6"));

  *request.mutable_target() = ByName(v1::NODE_KIND_DATASET_VERSION, "acme.ml", "eval.fraud", "7");
  trace = ledger_.graph().Trace(request);
  ASSERT_TRUE(trace.ok()) << trace.status();
  sources.clear();
  for (const v1::LineagePath& path : trace->paths()) {
    sources.push_back(absl::StrCat(ledger_.KeyOf(path.node_ids(0)), "@", path.edges_size()));
  }
  EXPECT_THAT(sources, ElementsAre(p_.s2 + "@4", p_.s3 + "@6", p_.s1 + "@8"));
  EXPECT_TRUE(ledger_.harness().verifier().VerifyCheckpoint(trace->checkpoint()).ok());
}

INSTANTIATE_TEST_SUITE_P(Modes, AuditPipelineTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Memory" : "RocksDb";
                         });

}  // namespace
}  // namespace lineage
