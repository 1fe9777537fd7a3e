// Answers "as of" a tree size or a time equal those of a server that
// replayed only that prefix of the log, and name a checkpoint the log key
// signed at exactly that size.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_answers.h"
#include "tests/graph/graph_expect.h"
#include "tests/graph/graph_ledger.h"
#include "tests/graph/pipeline_generator.h"

namespace lineage {
namespace {

using ::lineage::testing::Answers;
using ::lineage::testing::AnswersAt;
using ::lineage::testing::AtSize;
using ::lineage::testing::AtTime;
using ::lineage::testing::GraphLedger;
using ::lineage::testing::GraphTestStart;
using ::lineage::testing::RandomPipeline;
using ::lineage::testing::RandomPipelineOptions;

std::vector<v1::LineageEvent> Events() {
  RandomPipelineOptions options;
  options.seed = 303;
  options.runs = 30;
  options.back_edges = 3;
  options.catalog_updates = 6;
  return RandomPipeline(options);
}

class AsOfTest : public ::testing::TestWithParam<bool> {
 protected:
  // Log: entry 0 registers the producer key, entry i is event i-1, each
  // appended alone one second after the previous one.
  void SetUp() override {
    events_ = Events();
    ASSERT_TRUE(full_.Start().ok());
    ASSERT_TRUE(full_.Append(events_, /*batch=*/1).ok());
  }

  // Verifies `a.checkpoint` with the log key and checks its size.
  void ExpectSignedAt(const Answers& a, uint64_t size) {
    absl::StatusOr<Checkpoint> c = full_.harness().verifier().VerifyCheckpoint(a.checkpoint);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->size, size);
    EXPECT_EQ(a.checkpoint.tree_size(), size);
  }

  std::vector<v1::LineageEvent> events_;
  GraphLedger full_{GetParam()};
};

TEST_P(AsOfTest, AsOfTreeSizeEqualsAServerThatReplayedOnlyThatPrefix) {
  const uint64_t n = events_.size();
  for (uint64_t size : {uint64_t{1}, uint64_t{2}, n / 3, 2 * n / 3, n + 1}) {
    SCOPED_TRACE(absl::StrCat("tree size ", size, " of ", n + 1));
    GraphLedger prefix(GetParam());
    ASSERT_TRUE(prefix.Start().ok());
    ASSERT_TRUE(prefix.Append({events_.begin(), events_.begin() + (size - 1)}, 1).ok());
    absl::StatusOr<Answers> want = AnswersAt(prefix, {});
    ASSERT_TRUE(want.ok()) << want.status();
    EXPECT_EQ(want->checkpoint.tree_size(), size);
    absl::StatusOr<Answers> got = AnswersAt(full_, AtSize(size));
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->text, want->text);
    ExpectSignedAt(*got, size);
    if (size == 2 * n / 3) {
      // The replayed prefix is itself right.
      testing::ExpectWholeGraph(prefix, /*compare_order_dependent=*/true, "prefix");
    }
  }
}

TEST_P(AsOfTest, NodesNotYetAssertedAreNotFound) {
  const uint64_t size = events_.size() / 2;
  absl::StatusOr<std::map<uint64_t, v1::Node>> then = full_.AllNodes(AtSize(size));
  absl::StatusOr<std::map<uint64_t, v1::Node>> now = full_.AllNodes();
  ASSERT_TRUE(then.ok() && now.ok());
  ASSERT_LT(then->size(), now->size());
  int later = 0;
  for (const auto& [id, node] : *now) {
    v1::GetNodeRequest request;
    *request.mutable_node() = testing::ById(id);
    *request.mutable_as_of() = AtSize(size);
    absl::StatusOr<v1::GetNodeResponse> got = full_.graph().GetNode(request);
    if (then->count(id)) {
      EXPECT_TRUE(got.ok()) << got.status();
      continue;
    }
    ++later;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound) << id;
    EXPECT_THAT(got.status().message(), ::testing::HasSubstr(absl::StrCat("node ", id)));
    EXPECT_GE(node.first_log_index(), size);
  }
  EXPECT_EQ(later, static_cast<int>(now->size() - then->size()));
}

TEST_P(AsOfTest, AsOfTimeAnswersWithTheEntriesIntegratedByThen) {
  // Entry i was integrated at start + i seconds.
  const uint64_t n = events_.size();
  for (uint64_t last : {uint64_t{0}, n / 2, n}) {
    SCOPED_TRACE(absl::StrCat("last entry ", last));
    const absl::Time t = GraphTestStart() + absl::Seconds(last) + absl::Milliseconds(500);
    absl::StatusOr<Answers> by_time = AnswersAt(full_, AtTime(t));
    ASSERT_TRUE(by_time.ok()) << by_time.status();
    ExpectSignedAt(*by_time, last + 1);
    absl::StatusOr<Answers> by_size = AnswersAt(full_, AtSize(last + 1));
    ASSERT_TRUE(by_size.ok()) << by_size.status();
    EXPECT_EQ(by_time->text, by_size->text);
    // An instant exactly at an integration time includes that entry.
    v1::SearchNodesRequest exact;
    *exact.mutable_as_of() = AtTime(t - absl::Milliseconds(500));
    absl::StatusOr<v1::SearchNodesResponse> at = full_.graph().Search(exact);
    ASSERT_TRUE(at.ok()) << at.status();
    EXPECT_EQ(at->checkpoint().tree_size(), last + 1);
  }
  // Before the first entry: the empty graph, at the empty tree.
  absl::StatusOr<Answers> before = AnswersAt(full_, AtTime(GraphTestStart() - absl::Seconds(1)));
  ASSERT_TRUE(before.ok()) << before.status();
  ExpectSignedAt(*before, 0);
  EXPECT_EQ(before->nodes, 0u);
}

TEST_P(AsOfTest, AsOfBeyondTheLogIsInvalidArgument) {
  const uint64_t size = events_.size() + 1;
  v1::SearchNodesRequest search;
  *search.mutable_as_of() = AtSize(size + 1);
  EXPECT_EQ(full_.graph().Search(search).status().code(), absl::StatusCode::kInvalidArgument);
  v1::TraverseRequest traverse;
  *traverse.add_start() = testing::ById(1);
  traverse.set_direction(v1::DIRECTION_DOWNSTREAM);
  *traverse.mutable_as_of() = AtSize(size + 1);
  absl::Status status = full_.graph().Traverse(traverse).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), ::testing::HasSubstr(absl::StrCat(size + 1)));
  *traverse.mutable_as_of() = AtSize(size);
  EXPECT_TRUE(full_.graph().Traverse(traverse).ok());
  v1::GetNodeRequest get;
  *get.mutable_node() = testing::ById(1);
  *get.mutable_as_of() = AtSize(size + 1000);
  EXPECT_EQ(full_.graph().GetNode(get).status().code(), absl::StatusCode::kInvalidArgument);
  v1::TraceRequest trace;
  *trace.mutable_target() = testing::ById(1);
  *trace.mutable_as_of() = AtSize(size + 1);
  EXPECT_EQ(full_.graph().Trace(trace).status().code(), absl::StatusCode::kInvalidArgument);
  v1::DeletionImpactRequest impact;
  impact.add_subject_tokens("subj:token-1");
  *impact.mutable_as_of() = AtSize(size + 1);
  EXPECT_EQ(full_.graph().DeletionImpact(impact).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(AsOfTest, RunFirstNamedAsAParentKeepsWhatThePrefixSaid) {
  // A child run reports its parent by run id only; the parent's own event,
  // naming its job, comes later. As of the first entry, the parent is a run
  // with no job name yet, as a replay of that prefix says.
  v1::LineageEvent child;
  child.set_event_id("child-start");
  child.set_namespace_("acme.late");
  child.mutable_event_time()->set_seconds(1763600000);
  child.set_event_type(v1::EVENT_TYPE_START);
  child.mutable_job()->set_name("child_job");
  child.mutable_run()->set_run_id("child-1");
  child.mutable_run()->mutable_parent()->set_run_id("parent-1");
  v1::LineageEvent parent;
  parent.set_event_id("parent-start");
  parent.set_namespace_("acme.late");
  parent.mutable_event_time()->set_seconds(1763599000);
  parent.set_event_type(v1::EVENT_TYPE_START);
  parent.mutable_job()->set_name("parent_job");
  parent.mutable_run()->set_run_id("parent-1");

  GraphLedger both(GetParam());
  ASSERT_TRUE(both.Start().ok());
  ASSERT_TRUE(both.Append({child, parent}).ok());
  GraphLedger first(GetParam());
  ASSERT_TRUE(first.Start().ok());
  ASSERT_TRUE(first.Append({child}).ok());
  absl::StatusOr<Answers> want = AnswersAt(first, {});
  absl::StatusOr<Answers> got = AnswersAt(both, AtSize(2));
  ASSERT_TRUE(want.ok() && got.ok());
  EXPECT_EQ(got->text, want->text);

  v1::GetNodeRequest request;
  *request.mutable_node() = testing::ByRun("acme.late", "parent-1");
  *request.mutable_as_of() = AtSize(2);
  absl::StatusOr<v1::GetNodeResponse> then = both.graph().GetNode(request);
  ASSERT_TRUE(then.ok()) << then.status();
  ASSERT_EQ(then->nodes_size(), 1);
  EXPECT_EQ(then->nodes(0).name(), "");
  request.clear_as_of();
  absl::StatusOr<v1::GetNodeResponse> now = both.graph().GetNode(request);
  ASSERT_TRUE(now.ok()) << now.status();
  ASSERT_EQ(now->nodes_size(), 1);
  EXPECT_EQ(now->nodes(0).name(), "parent_job");
}

INSTANTIATE_TEST_SUITE_P(Modes, AsOfTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Memory" : "RocksDb";
                         });

}  // namespace
}  // namespace lineage
