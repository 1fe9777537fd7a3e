// EventPlan: what an event asserts, and node identity.
#include "server/graph/event_plan.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/events.h"

namespace lineage {
namespace {

using ::lineage::testing::MakeRunEvent;

const NodeMention* Find(const EventPlan& plan, v1::NodeKind kind) {
  for (const NodeMention& n : plan.nodes) {
    if (n.kind == kind) return &n;
  }
  return nullptr;
}

bool HasEdge(const EventPlan& plan, v1::NodeKind from, v1::EdgeKind kind, v1::NodeKind to) {
  for (const EdgeMention& e : plan.edges) {
    if (e.kind == kind && plan.nodes[e.from].kind == from && plan.nodes[e.to].kind == to) {
      return true;
    }
  }
  return false;
}

TEST(EventPlanTest, RunEventAssertsJobRunInputsOutputsAndDatasets) {
  const EventPlan plan = PlanEvent(MakeRunEvent("acme", "p1"), 7);
  EXPECT_TRUE(HasEdge(plan, v1::NODE_KIND_JOB, v1::EDGE_KIND_EXECUTES, v1::NODE_KIND_RUN));
  EXPECT_TRUE(
      HasEdge(plan, v1::NODE_KIND_DATASET_VERSION, v1::EDGE_KIND_INPUT_TO, v1::NODE_KIND_RUN));
  EXPECT_TRUE(
      HasEdge(plan, v1::NODE_KIND_RUN, v1::EDGE_KIND_PRODUCED, v1::NODE_KIND_DATASET_VERSION));
  EXPECT_TRUE(HasEdge(plan, v1::NODE_KIND_DATASET, v1::EDGE_KIND_HAS_VERSION,
                      v1::NODE_KIND_DATASET_VERSION));
  const NodeMention* run = Find(plan, v1::NODE_KIND_RUN);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->natural_key, RunKey("acme", "run-p1"));
  EXPECT_TRUE(plan.terminal);
  EXPECT_EQ(plan.event_time_micros, int64_t{1763600000} * 1000000);
}

TEST(EventPlanTest, VersionsAreIdentifiedByDigestElseByName) {
  v1::LineageEvent e = MakeRunEvent("acme", "id");
  e.mutable_inputs(0)->mutable_dataset()->set_namespace_("other");
  const EventPlan with_digest = PlanEvent(e, 0);
  const std::string digest = e.inputs(0).dataset().digest();
  bool found = false;
  for (const NodeMention& n : with_digest.nodes) {
    if (n.kind == v1::NODE_KIND_DATASET_VERSION && n.digest == digest) {
      EXPECT_EQ(n.natural_key, VersionKeyByDigest(v1::NODE_KIND_DATASET_VERSION, digest));
      EXPECT_EQ(n.ns, "other");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  e.mutable_inputs(0)->mutable_dataset()->clear_digest();
  const EventPlan by_name = PlanEvent(e, 0);
  const std::string name_key = VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "other",
                                                e.inputs(0).dataset().name(), "2026-11-19");
  EXPECT_TRUE(std::any_of(by_name.nodes.begin(), by_name.nodes.end(),
                          [&](const NodeMention& n) { return n.natural_key == name_key; }));
}

TEST(EventPlanTest, KeysOfDifferentKindsNeverCollide) {
  EXPECT_NE(NamedNodeKey(v1::NODE_KIND_DATASET, "a", "b"),
            NamedNodeKey(v1::NODE_KIND_JOB, "a", "b"));
  EXPECT_NE(NamedNodeKey(v1::NODE_KIND_DATASET, "a", "bc"),
            NamedNodeKey(v1::NODE_KIND_DATASET, "ab", "c"));
  EXPECT_NE(VersionKeyByName(v1::NODE_KIND_MODEL_VERSION, "a", "b", "1"),
            VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "a", "b", "1"));
  EXPECT_NE(VersionKeyByDigest(v1::NODE_KIND_DATASET_VERSION, "sha256:00"),
            VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "", "sha256:00", ""));
}

TEST(EventPlanTest, DeploymentServesTheModelVersion) {
  v1::LineageEvent e;
  e.set_event_id("d1");
  e.set_namespace_("acme");
  v1::Deployment* d = e.add_deployments();
  d->set_name("fraud-api");
  d->set_environment("production");
  d->mutable_model()->set_name("fraud");
  d->mutable_model()->set_version("17");
  const EventPlan plan = PlanEvent(e, 99);
  EXPECT_TRUE(
      HasEdge(plan, v1::NODE_KIND_MODEL_VERSION, v1::EDGE_KIND_SERVES, v1::NODE_KIND_DEPLOYMENT));
  EXPECT_TRUE(
      HasEdge(plan, v1::NODE_KIND_MODEL, v1::EDGE_KIND_HAS_VERSION, v1::NODE_KIND_MODEL_VERSION));
  EXPECT_EQ(plan.event_time_micros, 99);  // No event_time: the integration time stands in.
  const NodeMention* deployment = Find(plan, v1::NODE_KIND_DEPLOYMENT);
  ASSERT_NE(deployment, nullptr);
  EXPECT_THAT(deployment->properties, ::testing::Contains(std::make_pair(
                                          std::string("environment"), std::string("production"))));
}

}  // namespace
}  // namespace lineage
