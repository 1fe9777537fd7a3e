// The compact traversal (server/graph/compact_traversal.h) against the
// general one over RocksDB alone, on real RocksDB: the same reached nodes in
// the same order with the same depths, predecessors, kinds and flags, the
// same returned list and truncation, and the same log index for every edge
// followed. Graphs mix nodes the compact adjacency holds, nodes that gained
// edges since it was built (dirty) and nodes created since.
#include "server/graph/compact_traversal.h"

#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/graph/graph_index.h"
#include "server/graph/graph_indexer.h"
#include "server/graph/graph_view.h"
#include "server/graph/traversal.h"
#include "storage/database.h"
#include "tests/graph_core/graph_fixture.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

using ::lineage::testing::PlanOf;
using ::lineage::testing::RandomRuns;
using ::lineage::testing::SyntheticRun;

class CompactTraversalTest : public lineage::testing::GraphFixture {
 protected:
  // Rebuilt only when a test says so.
  GraphIndex::Options IndexOptions() const override { return {.refresh_compact = false}; }

  // Runs `spec` over the in-memory index at `snapshot` (asserting whether
  // the compact traversal took it) and over RocksDB alone, and compares.
  void ExpectSameAsGeneral(const TraversalSpec& spec, uint64_t snapshot, bool want_compact,
                           const std::string& context) {
    MemoryGraphView memory(*index_, snapshot);
    absl::StatusOr<std::optional<TraversalResult>> compact = TraverseCompact(memory, spec);
    ASSERT_TRUE(compact.ok()) << context << ": " << compact.status();
    EXPECT_EQ(compact->has_value(), want_compact) << context;
    absl::StatusOr<TraversalResult> fast = Traverse(memory, spec);
    StoredGraphView stored(*store_, snapshot);
    absl::StatusOr<TraversalResult> general = Traverse(stored, spec);
    ASSERT_TRUE(fast.ok()) << context << ": " << fast.status();
    ASSERT_TRUE(general.ok()) << context << ": " << general.status();
    ASSERT_EQ(fast->reached.size(), general->reached.size()) << context;
    for (uint32_t i = 0; i < fast->reached.size(); ++i) {
      const Reached& a = fast->reached[i];
      const Reached& b = general->reached[i];
      const std::string at = absl::StrCat(context, ": reached[", i, "] node ", b.id);
      ASSERT_EQ(a.id, b.id) << at;
      EXPECT_EQ(a.depth, b.depth) << at;
      EXPECT_EQ(a.pred, b.pred) << at;
      EXPECT_EQ(a.edge_kind, b.edge_kind) << at;
      EXPECT_EQ(a.node_kind, b.node_kind) << at;
      EXPECT_EQ(a.pred_is_from, b.pred_is_from) << at;
      EXPECT_EQ(a.expanded, b.expanded) << at;
      EXPECT_EQ(a.has_next, b.has_next) << at;
      if (b.pred != Reached::kNoPred) {
        absl::StatusOr<uint64_t> log_index = ReachingLogIndex(memory, *fast, i);
        ASSERT_TRUE(log_index.ok()) << at << ": " << log_index.status();
        EXPECT_EQ(*log_index, b.log_index) << at;
      }
    }
    EXPECT_EQ(fast->returned, general->returned) << context;
    EXPECT_EQ(fast->truncated, general->truncated) << context;
    EXPECT_EQ(fast->reason, general->reason) << context;
  }

  // A random spec over `ids`: 1-3 starts, a direction, and sometimes a
  // depth limit, edge and node kind filters, a small node or visit limit.
  TraversalSpec RandomSpec(std::mt19937& rng, const std::vector<uint64_t>& ids) {
    TraversalSpec spec;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i) {
      spec.start.push_back(ids[rng() % ids.size()]);
    }
    spec.upstream = rng() % 2 == 0;
    if (rng() % 3 == 0) spec.max_depth = 1 + rng() % 4;
    if (rng() % 3 == 0) {
      for (int k : {v1::EDGE_KIND_INPUT_TO, v1::EDGE_KIND_PRODUCED, v1::EDGE_KIND_EXECUTES}) {
        if (rng() % 2 == 0) spec.edge_kinds.Add(k);
      }
    }
    if (rng() % 3 == 0) {
      for (int k : {v1::NODE_KIND_DATASET_VERSION, v1::NODE_KIND_RUN, v1::NODE_KIND_JOB}) {
        if (rng() % 2 == 0) spec.node_kinds.Add(k);
      }
    }
    spec.include_start = rng() % 2 == 0;
    spec.limit = rng() % 5 == 0 ? 1 + rng() % 20 : 1000000;
    if (rng() % 7 == 0) spec.max_visited = 1 + rng() % 30;
    return spec;
  }

  // Every node ID that exists at `snapshot`.
  std::vector<uint64_t> NodesAt(uint64_t snapshot) {
    std::vector<uint64_t> ids;
    MemoryGraphView view(*index_, snapshot);
    for (uint64_t id = 0; id < view.node_count(); ++id) {
      if (view.Exists(id)) ids.push_back(id);
    }
    return ids;
  }

  void CheckRandomGraph(bool cycles);
};

std::vector<SyntheticRun> RunsWithJobs(std::mt19937& rng, int count, bool cycles) {
  std::vector<SyntheticRun> runs = RandomRuns(rng, count, cycles);
  for (SyntheticRun& r : runs) r.job = absl::StrCat("job", rng() % 7);
  return runs;
}

// 300 runs, the compact adjacency built, 150 more: queries now reach
// clean nodes, nodes the later runs gave edges (dirty) and new nodes.
void CompactTraversalTest::CheckRandomGraph(bool cycles) {
  std::mt19937 rng(cycles ? 77 : 42);
  std::vector<SyntheticRun> runs = RunsWithJobs(rng, 450, cycles);
  AppendRuns({runs.begin(), runs.begin() + 300}, 23);
  index_->RebuildCompact();
  const uint64_t built_at = next_index_;
  AppendRuns({runs.begin() + 300, runs.end()}, 23);
  const GraphIndex::CompactStats stats = index_->stats().compact;
  EXPECT_EQ(stats.size, built_at);
  EXPECT_GT(stats.dirty, 0u);  // Old versions read by later runs.
  EXPECT_GT(stats.nodes, stats.dirty + 100);
  const uint64_t now = next_index_;
  const std::vector<uint64_t> ids = NodesAt(now);
  for (int q = 0; q < 150; ++q) {
    const TraversalSpec spec = RandomSpec(rng, ids);
    ExpectSameAsGeneral(spec, now, /*want_compact=*/true, absl::StrCat("query ", q));
  }
  // As of a size before the compact adjacency: the general traversal.
  const uint64_t early = built_at / 2;
  const std::vector<uint64_t> early_ids = NodesAt(early);
  for (int q = 0; q < 30; ++q) {
    const TraversalSpec spec = RandomSpec(rng, early_ids);
    ExpectSameAsGeneral(spec, early, /*want_compact=*/false, absl::StrCat("early query ", q));
  }
}

TEST_F(CompactTraversalTest, CleanDirtyAndNewNodesGiveTheGeneralAnswerOnADag) {
  CheckRandomGraph(/*cycles=*/false);
}

TEST_F(CompactTraversalTest, CleanDirtyAndNewNodesGiveTheGeneralAnswerWithCycles) {
  CheckRandomGraph(/*cycles=*/true);
}

TEST_F(CompactTraversalTest, SpecsItCannotAnswerGoToTheGeneralTraversal) {
  std::mt19937 rng(3);
  AppendRuns(RunsWithJobs(rng, 120, false), 10);
  index_->RebuildCompact();
  const uint64_t now = next_index_;
  TraversalSpec spec;
  spec.start = {VersionId("v0")};
  ExpectSameAsGeneral(spec, now, /*want_compact=*/true, "plain");
  TraversalSpec stop = spec;
  stop.stop_at.push_back({v1::NODE_KIND_RUN, ""});
  ExpectSameAsGeneral(stop, now, /*want_compact=*/false, "stop condition");
  TraversalSpec tier = spec;
  tier.min_effective = v1::CLASSIFICATION_INTERNAL;
  ExpectSameAsGeneral(tier, now, /*want_compact=*/false, "classification filter");
  TraversalSpec edges = spec;
  edges.record_edges = true;
  ExpectSameAsGeneral(edges, now, /*want_compact=*/false, "recorded edges");
}

// Dataset version `name`@1 known by digest (written by run `run`) and by
// name alone (read by run `reader`): the indexer links the two SAME_AS.
std::vector<EventPlan> SameAsPlans(const std::string& name) {
  EventPlan writer = PlanOf({"w-" + name, {"src-" + name}, {}, {}, {}}, 0);
  NodeMention by_digest;
  by_digest.kind = v1::NODE_KIND_DATASET_VERSION;
  by_digest.ns = "ns";
  by_digest.name = name;
  by_digest.version = "1";
  by_digest.digest = "sha256:" + name;
  by_digest.is_version = true;
  by_digest.natural_key = VersionKeyByDigest(v1::NODE_KIND_DATASET_VERSION, by_digest.digest);
  writer.nodes.push_back(by_digest);
  writer.edges.push_back({0, v1::EDGE_KIND_PRODUCED, writer.nodes.size() - 1});
  EventPlan reader = PlanOf({"r-" + name, {}, {"out-" + name}, {}, {}}, 1);
  NodeMention by_name = by_digest;
  by_name.digest.clear();
  by_name.natural_key = VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", name, "1");
  reader.nodes.push_back(by_name);
  reader.edges.push_back({reader.nodes.size() - 1, v1::EDGE_KIND_INPUT_TO, 0});
  return {writer, reader};
}

TEST_F(CompactTraversalTest, SameAsEdgesGoToTheGeneralTraversal) {
  std::mt19937 rng(11);
  AppendRuns(RunsWithJobs(rng, 60, false), 10);
  Append(SameAsPlans("linked"), 1);
  index_->RebuildCompact();
  const uint64_t now = next_index_;
  TraversalSpec plain;
  plain.start = {VersionId("v1")};
  ExpectSameAsGeneral(plain, now, /*want_compact=*/true, "no SAME_AS on the way");
  // Downstream of the writer's input: through the digest version, SAME_AS
  // to the name-only one, on to the reader's output.
  TraversalSpec linked;
  linked.start = {VersionId("src-linked")};
  ExpectSameAsGeneral(linked, now, /*want_compact=*/false, "SAME_AS on the way");
  absl::StatusOr<TraversalResult> result = [&] {
    MemoryGraphView view(*index_, now);
    return Traverse(view, linked);
  }();
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->IndexOf(VersionId("out-linked")), TraversalResult::kNotReached);
  // A SAME_AS edge added after the build makes its nodes dirty: the
  // traversal sees it there too.
  Append(SameAsPlans("late"), 1);
  TraversalSpec late;
  late.start = {VersionId("src-late")};
  ExpectSameAsGeneral(late, next_index_, /*want_compact=*/false, "SAME_AS after the build");
}

TEST_F(CompactTraversalTest, EdgesAppliedDuringARebuildAreDirtyInTheNewOne) {
  // Between the rebuild's slices of 8 nodes, a run reads the first run's
  // first input (node 2, read in the first slice) and writes a new version.
  std::mt19937 rng(8);
  const std::vector<SyntheticRun> runs = RunsWithJobs(rng, 40, false);
  const std::string early = runs[0].inputs[0];
  index_ = *GraphIndex::Load(
      *store_, {.refresh_compact = false, .rebuild_slice_nodes = 8, .between_rebuild_slices = [&] {
                  if (next_index_ != 40) return;
                  AppendRuns({{"late", {early}, {"late-out"}, {}, {}}}, 1);
                }});
  AppendRuns(runs, 10);
  ASSERT_LT(VersionId(early), 8u);
  index_->RebuildCompact();
  ASSERT_EQ(next_index_, 41u) << "the hook did not run";
  EXPECT_EQ(index_->stats().compact.size, 40u);
  TraversalSpec spec;
  spec.start = {VersionId(early)};
  spec.max_depth = 1;
  ExpectSameAsGeneral(spec, next_index_, /*want_compact=*/true, "after the rebuild");
  MemoryGraphView view(*index_, next_index_);
  absl::StatusOr<TraversalResult> result = Traverse(view, spec);
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->IndexOf(Id(RunKey("ns", "late"))), TraversalResult::kNotReached);
}

TEST_F(CompactTraversalTest, RebuildsWhileAppendingMissNothing) {
  std::mt19937 rng(2024);
  const std::vector<SyntheticRun> runs = RunsWithJobs(rng, 1500, true);
  AppendRuns({runs.begin(), runs.begin() + 100}, 10);
  index_->RebuildCompact();
  std::atomic<bool> done{false};
  std::thread appender([&] {
    AppendRuns({runs.begin() + 100, runs.end()}, 5);
    done = true;
  });
  int rebuilds = 0, queries = 0, compact_answers = 0;
  while (!done) {
    if (queries % 3 == 0) {
      index_->RebuildCompact();
      ++rebuilds;
    }
    // At the published size, as queries are: a rebuild may have been built
    // past it (then the general traversal answers).
    const uint64_t snapshot = published_;
    TraversalSpec spec;
    spec.start = {VersionId(absl::StrCat("v", rng() % 5))};
    spec.max_depth = 6;
    absl::StatusOr<TraversalResult> fast = [&]() -> absl::StatusOr<TraversalResult> {
      MemoryGraphView memory(*index_, snapshot);  // Holds the index's lock: not for long.
      absl::StatusOr<std::optional<TraversalResult>> compact = TraverseCompact(memory, spec);
      if (!compact.ok()) return compact.status();
      if (!compact->has_value()) return Traverse(memory, spec);
      ++compact_answers;
      return **std::move(compact);
    }();
    StoredGraphView stored(*store_, snapshot);
    absl::StatusOr<TraversalResult> general = Traverse(stored, spec);
    ASSERT_TRUE(fast.ok() && general.ok());
    ASSERT_EQ(fast->reached.size(), general->reached.size()) << "snapshot " << snapshot;
    for (size_t i = 0; i < fast->reached.size(); ++i) {
      ASSERT_EQ(fast->reached[i].id, general->reached[i].id) << "snapshot " << snapshot;
      ASSERT_EQ(fast->reached[i].depth, general->reached[i].depth) << "snapshot " << snapshot;
    }
    ++queries;
  }
  appender.join();
  EXPECT_GE(rebuilds, 3);
  EXPECT_GE(queries, 10);
  EXPECT_GE(compact_answers, 1);
  ExpectSameAsGeneral({.start = {VersionId("v0")}}, next_index_, /*want_compact=*/true, "end");
}

}  // namespace
}  // namespace lineage
