// SearchNodes and GetNode on the hand-built pipeline of
// tests/graph/audit_pipeline.h: filters, ordering, pages, effective
// classification, and every property in the FULL view.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/ledger/proto_time.h"
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
using ::lineage::testing::GraphTestStart;
using ::lineage::testing::MakeAuditPipeline;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class SearchNodesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ledger_.Start().ok());
    ASSERT_TRUE(ledger_.Append(p_.events, 1).ok());
    ASSERT_TRUE(ledger_.LoadKeys().ok());
  }

  // Natural keys of every match, following the pages.
  std::vector<std::string> Find(const v1::SearchNodesRequest& request) {
    absl::StatusOr<std::vector<v1::Node>> nodes = ledger_.graph().SearchAll(request);
    EXPECT_TRUE(nodes.ok()) << nodes.status();
    std::vector<std::string> out;
    if (nodes.ok()) {
      for (const v1::Node& n : *nodes) out.push_back(ledger_.KeyOf(n.node_id()));
    }
    return out;
  }
  std::vector<std::string> WithAttributes(std::map<std::string, std::string> attributes) {
    v1::SearchNodesRequest request;
    request.mutable_attributes()->insert(attributes.begin(), attributes.end());
    return Find(request);
  }
  v1::Node Get(const v1::NodeSelector& selector) {
    v1::GetNodeRequest request;
    *request.mutable_node() = selector;
    absl::StatusOr<v1::GetNodeResponse> got = ledger_.graph().GetNode(request);
    EXPECT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got.ok() ? got->nodes_size() : 0, 1);
    return got.ok() && got->nodes_size() > 0 ? got->nodes(0) : v1::Node();
  }

  const AuditPipeline p_ = MakeAuditPipeline();
  GraphLedger ledger_{true};
};

TEST_F(SearchNodesTest, ByKindAndNamespaceOrderedByNameThenId) {
  v1::SearchNodesRequest request;
  request.set_kind(v1::NODE_KIND_DATASET_VERSION);
  request.set_namespace_("acme.raw");
  // customers@2026-11-01 was reported before customers@2026-10-01.
  EXPECT_THAT(Find(request), ElementsAre(p_.s3, p_.s1, p_.s1o, p_.s2));
  request.set_namespace_("acme");  // Exact namespace, not a prefix.
  EXPECT_THAT(Find(request), ElementsAre());
}

TEST_F(SearchNodesTest, ByNamePrefixAcrossNamespacesAndKinds) {
  v1::SearchNodesRequest request;
  request.set_name_prefix("clean.");
  EXPECT_THAT(Find(request), ElementsAre("DATASET|acme.etl|clean.customers",
                                         "DATASET|acme.etl|clean.transactions", p_.c1, p_.c2));
  request.set_kind(v1::NODE_KIND_DATASET_VERSION);
  EXPECT_THAT(Find(request), ElementsAre(p_.c1, p_.c2));
  request.set_kind(v1::NODE_KIND_JOB);
  request.set_name_prefix("train_");
  EXPECT_THAT(Find(request), ElementsAre("JOB|acme.ml|train_fraud", "JOB|acme.ml|train_geo"));
}

TEST_F(SearchNodesTest, ByAttributesAndProperties) {
  EXPECT_THAT(WithAttributes({{"owner", "etl-team"}}), ElementsAre(p_.c1, p_.c2));
  EXPECT_THAT(WithAttributes({{"region", "us-east-1"}}), ElementsAre(p_.s2));
  EXPECT_THAT(WithAttributes({{"pii", "true"}}), ElementsAre(p_.s1, p_.s1o, p_.s2));
  EXPECT_THAT(WithAttributes({{"pii", "true"}, {"region", "eu-west-1"}}),
              ElementsAre(p_.s1, p_.s1o));
  EXPECT_THAT(WithAttributes({{"environment", "production"}}), ElementsAre(p_.prod, p_.geo_api));
  EXPECT_THAT(WithAttributes({{"location", "s3://acme-raw/customers/2026-10-01"}}),
              ElementsAre(p_.s1o));
  EXPECT_THAT(WithAttributes({{"owner", "nobody"}}), ElementsAre());
}

TEST_F(SearchNodesTest, ByDeclaredAndEffectiveClassification) {
  v1::SearchNodesRequest request;
  request.set_min_classification(v1::CLASSIFICATION_RESTRICTED);
  EXPECT_THAT(Find(request), ElementsAre(p_.s1, p_.s1o));
  request.set_min_classification(v1::CLASSIFICATION_CONFIDENTIAL);
  EXPECT_THAT(Find(request), ElementsAre(p_.s1, p_.s1o, p_.s2));

  // "Which deployed models derive from restricted data?"
  request = {};
  request.set_kind(v1::NODE_KIND_DEPLOYMENT);
  request.set_min_effective_classification(v1::CLASSIFICATION_RESTRICTED);
  EXPECT_THAT(Find(request), ElementsAre(p_.prod, p_.staging));
  request.set_min_effective_classification(v1::CLASSIFICATION_PUBLIC);
  EXPECT_THAT(Find(request), ElementsAre(p_.prod, p_.staging, p_.geo_api));
  request.set_view(v1::NODE_VIEW_BASIC);
  absl::StatusOr<v1::SearchNodesResponse> page = ledger_.graph().Search(request);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->nodes(2).effective_classification(), v1::CLASSIFICATION_PUBLIC);
  EXPECT_EQ(page->nodes(0).effective_classification(), v1::CLASSIFICATION_RESTRICTED);
  EXPECT_EQ(page->nodes(0).classification(), v1::CLASSIFICATION_UNSPECIFIED);

  // The same question as a traversal: what downstream of the public
  // reference data is restricted through another input?
  v1::TraverseRequest traverse;
  *traverse.add_start() = ByDigest(v1::NODE_KIND_DATASET_VERSION, p_.s3_digest);
  traverse.set_direction(v1::DIRECTION_DOWNSTREAM);
  traverse.set_min_effective_classification(v1::CLASSIFICATION_RESTRICTED);
  absl::StatusOr<GraphClient::Traversal> t = ledger_.graph().Traverse(traverse);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(
      testing::KeyDepths(ledger_, t->nodes),
      UnorderedElementsAre(p_.etl_customers + "@1", p_.c1 + "@2", p_.build_features + "@3",
                           p_.train_fraud + "@3", p_.f1 + "@4", p_.m1 + "@4", p_.evaluate + "@5",
                           p_.prod + "@5", p_.staging + "@5", p_.e1 + "@6"));
  for (const v1::Node& n : t->nodes) {
    EXPECT_EQ(n.effective_classification(), v1::CLASSIFICATION_RESTRICTED);
  }
  EXPECT_EQ(t->last.visited(), 16u);  // Everything downstream of S3, and S3.
}

TEST_F(SearchNodesTest, ByFirstSeenTime) {
  // Event k was integrated k seconds after the start.
  v1::SearchNodesRequest request;
  request.set_kind(v1::NODE_KIND_DATASET_VERSION);
  *request.mutable_first_seen_after() = ToProtoTime(GraphTestStart() + absl::Seconds(8));
  *request.mutable_first_seen_before() = ToProtoTime(GraphTestStart() + absl::Seconds(10));
  EXPECT_THAT(Find(request), ElementsAre(p_.f1, p_.g1));
  request.clear_kind();
  EXPECT_THAT(
      Find(request),
      ElementsAre("DATASET|acme.features|features.fraud", "DATASET|acme.features|features.geo",
                  p_.f1, p_.g1, "JOB|acme.features|build_features", "JOB|acme.features|build_geo",
                  p_.build_features, p_.build_geo));
}

TEST_F(SearchNodesTest, PagesHoldEveryMatchOnce) {
  v1::SearchNodesRequest request;
  request.set_kind(v1::NODE_KIND_RUN);
  request.set_page_size(3);
  std::vector<std::vector<std::string>> pages;
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<v1::SearchNodesResponse> page = ledger_.graph().Search(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->nodes_size(), 3);
    pages.emplace_back();
    for (const v1::Node& n : page->nodes()) pages.back().push_back(ledger_.KeyOf(n.node_id()));
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  std::vector<std::string> all;
  for (const auto& page : pages) all.insert(all.end(), page.begin(), page.end());
  // Runs are ordered by namespace, then run id.
  EXPECT_THAT(all, ElementsAre(p_.archive, p_.etl_customers, p_.etl_transactions, p_.build_features,
                               p_.build_geo, p_.evaluate, p_.train_fraud, p_.train_geo));
  EXPECT_GE(pages.size(), 3u);

  request.set_page_token("not a token!");
  EXPECT_EQ(ledger_.graph().Search(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.clear_page_token();
  request.set_page_size(10001);
  EXPECT_EQ(ledger_.graph().Search(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SearchNodesTest, AsOfAnEarlierSize) {
  v1::SearchNodesRequest request;
  request.set_kind(v1::NODE_KIND_DATASET_VERSION);
  *request.mutable_as_of() = testing::AtSize(5);  // The four sources only.
  EXPECT_THAT(Find(request), ElementsAre(p_.s3, p_.s1, p_.s1o, p_.s2));
  request.set_kind(v1::NODE_KIND_DEPLOYMENT);
  *request.mutable_as_of() = testing::AtSize(14);  // The fraud deployments, not geo-api yet.
  EXPECT_THAT(Find(request), ElementsAre(p_.prod, p_.staging));
  request.clear_as_of();
  EXPECT_THAT(Find(request), ElementsAre(p_.prod, p_.staging, p_.geo_api));
}

TEST_F(SearchNodesTest, GetNodeFullViewHasEveryProperty) {
  const v1::Node source = Get(ByDigest(v1::NODE_KIND_DATASET_VERSION, p_.s1_digest));
  EXPECT_EQ(source.namespace_(), "acme.raw");
  EXPECT_EQ(source.name(), "customers");
  EXPECT_EQ(source.version(), "2026-11-01");
  EXPECT_EQ(source.digest(), p_.s1_digest);
  EXPECT_EQ(source.classification(), v1::CLASSIFICATION_RESTRICTED);
  EXPECT_EQ(source.effective_classification(), v1::CLASSIFICATION_RESTRICTED);
  EXPECT_EQ(source.first_log_index(), 1u);
  EXPECT_EQ(source.properties().owner(), "crm");
  EXPECT_EQ(source.properties().location(), "s3://acme-raw/customers/2026-11-01");
  EXPECT_EQ(source.properties().region(), "eu-west-1");
  EXPECT_THAT(source.properties().attributes(), ::testing::SizeIs(1));
  EXPECT_EQ(source.properties().attributes().at("pii"), "true");
  EXPECT_EQ(FromProtoTime(source.properties().first_seen()), GraphTestStart() + absl::Seconds(1));

  const v1::Node run = Get(ByRun("acme.ml", "train-fraud"));
  EXPECT_EQ(run.kind(), v1::NODE_KIND_RUN);
  EXPECT_EQ(run.name(), "train_fraud");
  EXPECT_EQ(run.run_id(), "train-fraud");
  EXPECT_EQ(run.properties().run_kind(), v1::RUN_KIND_TRAINING);
  EXPECT_EQ(run.properties().run_state(), v1::RUN_STATE_COMPLETED);
  EXPECT_EQ(run.properties().code_version(), "git:train_fraud");
  EXPECT_EQ(run.properties().end_time().seconds(), 1763600000 + 60 * 10);
  EXPECT_EQ(run.properties().start_time().seconds(), 1763600000 + 60 * 10 - 30);
  EXPECT_EQ(run.effective_classification(), v1::CLASSIFICATION_RESTRICTED);
  EXPECT_EQ(run.first_log_index(), 10u);

  const v1::Node deployment = Get(ByName(v1::NODE_KIND_DEPLOYMENT, "acme.serving", "geo-api"));
  EXPECT_EQ(deployment.properties().environment(), "production");
  EXPECT_EQ(deployment.properties().endpoint(), "https://geo-api.acme.internal/v1");
  EXPECT_EQ(deployment.properties().region(), "eu-west-1");
  EXPECT_EQ(deployment.effective_classification(), v1::CLASSIFICATION_PUBLIC);

  // A version by name finds the digest node reported under that name.
  const v1::Node model = Get(ByName(v1::NODE_KIND_MODEL_VERSION, "acme.ml", "fraud-model", "7"));
  EXPECT_EQ(model.digest(), p_.m1_digest);
  EXPECT_EQ(model.properties().owner(), "ml-team");
  EXPECT_EQ(
      Get(ByName(v1::NODE_KIND_JOB, "acme.etl", "clean_customers")).properties().code_version(),
      "git:clean_customers");
}

TEST_F(SearchNodesTest, GetNodeOfUnknownNodesIsNotFoundNamingThem) {
  v1::GetNodeRequest request;
  *request.mutable_node() = ByName(v1::NODE_KIND_DATASET_VERSION, "acme.raw", "customers", "1999");
  absl::Status status = ledger_.graph().GetNode(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("\"acme.raw\" \"customers\" version \"1999\""));
  *request.mutable_node() = ByRun("acme.etl", "no-such-run");
  status = ledger_.graph().GetNode(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("no-such-run"));
  *request.mutable_node() = testing::ById(100000);
  status = ledger_.graph().GetNode(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("100000"));
}

}  // namespace
}  // namespace lineage
