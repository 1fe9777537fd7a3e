// The graph layer on real RocksDB, without gRPC: the indexer writing plans,
// the in-memory index and the RocksDB-only view, checked against a naive
// reference on random DAGs, graphs with cycles, and a 100,000-deep chain.
#include "server/graph/traversal.h"

#include <deque>
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/graph/graph_index.h"
#include "server/graph/graph_indexer.h"
#include "server/graph/graph_view.h"
#include "storage/database.h"
#include "tests/graph_core/graph_fixture.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

using ::lineage::testing::PlanOf;
using ::lineage::testing::RandomRuns;
using ::lineage::testing::SyntheticRun;

class GraphCoreTest : public lineage::testing::GraphFixture {
 public:  // CheckAgainstReference drives the fixture.
  // Node ID -> (node ID, depth) for a traversal through `view`.
  std::map<uint64_t, uint32_t> Depths(GraphView& view, const TraversalSpec& spec) {
    absl::StatusOr<TraversalResult> result = Traverse(view, spec);
    EXPECT_TRUE(result.ok()) << result.status();
    std::map<uint64_t, uint32_t> out;
    for (uint32_t i : result->returned) out[result->reached[i].id] = result->reached[i].depth;
    return out;
  }
};

// The reference: the same runs as an adjacency map over names, plain BFS.
struct Reference {
  std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> down,
      up;                                                              // -> (node, index)
  std::map<std::string, uint64_t> first;                               // Node -> first log index.
  std::map<std::string, std::vector<std::pair<uint64_t, int>>> tiers;  // Declared: (index, tier).
  // Owners asserted: (index, owner). Event time rises with the index, so the
  // last assertion wins.
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> owners;

  explicit Reference(const std::vector<SyntheticRun>& runs) {
    for (uint64_t i = 0; i < runs.size(); ++i) {
      const std::string run = "R:" + runs[i].run;
      first.emplace(run, i);
      for (const std::string& in : runs[i].inputs) {
        first.emplace("V:" + in, i);
        tiers["V:" + in].push_back({i, static_cast<int>(runs[i].input_tier)});
        if (!runs[i].input_owner.empty()) owners["V:" + in].push_back({i, runs[i].input_owner});
        Add("V:" + in, run, i);
      }
      for (const std::string& out : runs[i].outputs) {
        first.emplace("V:" + out, i);
        Add(run, "V:" + out, i);
      }
    }
  }
  void Add(const std::string& from, const std::string& to, uint64_t index) {
    for (const auto& [other, idx] : down[from]) {
      if (other == to) return;  // First assertion wins.
    }
    down[from].push_back({to, index});
    up[to].push_back({from, index});
  }
  std::map<std::string, uint32_t> Bfs(const std::string& start, bool upstream, uint64_t snapshot,
                                      uint32_t max_depth) const {
    std::map<std::string, uint32_t> depth = {{start, 0}};
    std::deque<std::string> queue = {start};
    while (!queue.empty()) {
      const std::string node = queue.front();
      queue.pop_front();
      if (max_depth > 0 && depth[node] >= max_depth) continue;
      const auto& adjacency = upstream ? up : down;
      auto it = adjacency.find(node);
      if (it == adjacency.end()) continue;
      for (const auto& [other, index] : it->second) {
        if (index >= snapshot || depth.count(other)) continue;
        depth[other] = depth[node] + 1;
        queue.push_back(other);
      }
    }
    depth.erase(start);
    return depth;
  }
  std::string Owner(const std::string& node, uint64_t snapshot) const {
    std::string owner;
    auto it = owners.find(node);
    if (it == owners.end()) return owner;
    for (const auto& [index, value] : it->second) {
      if (index < snapshot) owner = value;
    }
    return owner;
  }
  int Effective(const std::string& node, uint64_t snapshot) const {
    int best = 0;
    auto bfs = Bfs(node, true, snapshot, 0);
    bfs[node] = 0;
    for (const auto& [n, d] : bfs) {
      auto t = tiers.find(n);
      if (t == tiers.end()) continue;
      for (const auto& [index, tier] : t->second) {
        if (index < snapshot) best = std::max(best, tier);
      }
    }
    return best;
  }
};

void CheckAgainstReference(GraphCoreTest& t, const std::vector<SyntheticRun>& runs,
                           std::mt19937& rng) {
  const Reference ref(runs);
  std::map<std::string, uint64_t> ids;
  std::map<uint64_t, std::string> names;
  for (const auto& [name, first] : ref.first) {
    const std::string key =
        name[0] == 'R' ? RunKey("ns", name.substr(2))
                       : VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", name.substr(2), "1");
    ids[name] = t.Id(key);
    names[ids[name]] = name;
  }
  std::vector<std::string> all;
  for (const auto& [name, id] : ids) all.push_back(name);
  for (int q = 0; q < 60; ++q) {
    const std::string start = all[rng() % all.size()];
    const bool upstream = rng() % 2 == 0;
    const uint64_t snapshot = 1 + rng() % runs.size();
    const uint32_t max_depth = rng() % 3 == 0 ? 1 + rng() % 4 : 0;
    if (ref.first.at(start) >= snapshot) continue;
    std::map<uint64_t, uint32_t> want;
    for (const auto& [name, depth] : ref.Bfs(start, upstream, snapshot, max_depth)) {
      want[ids[name]] = depth;
    }
    TraversalSpec spec;
    spec.start = {ids[start]};
    spec.upstream = upstream;
    spec.max_depth = max_depth;
    spec.limit = 1000000;
    MemoryGraphView memory(*t.index_, snapshot);
    EXPECT_EQ(t.Depths(memory, spec), want)
        << start << " upstream=" << upstream << " snapshot=" << snapshot << " depth=" << max_depth;
    StoredGraphView stored(*t.store_, snapshot);
    EXPECT_EQ(t.Depths(stored, spec), want) << start;
    // Effective classification and owner, both views, against the reference.
    std::map<uint64_t, uint32_t> answered = want;
    answered[ids[start]] = 0;
    for (const auto& [id, depth] : answered) {
      const int expected = ref.Effective(names[id], snapshot);
      EXPECT_EQ(*memory.Effective(id), expected) << names[id] << " @" << snapshot;
      EXPECT_EQ(*stored.Effective(id), expected) << names[id] << " @" << snapshot;
      const std::string owner = ref.Owner(names[id], snapshot);
      EXPECT_EQ(*memory.Owner(id), owner) << names[id] << " @" << snapshot;
      EXPECT_EQ(*stored.Owner(id), owner) << names[id] << " @" << snapshot;
    }
  }
}

TEST_F(GraphCoreTest, RandomDagsMatchTheReferenceInBothViews) {
  std::mt19937 rng(1234);
  const std::vector<SyntheticRun> runs = RandomRuns(rng, 400, /*cycles=*/false);
  AppendRuns(runs, 37);
  CheckAgainstReference(*this, runs, rng);
}

TEST_F(GraphCoreTest, GraphsWithCyclesTerminateAndMatchTheReference) {
  std::mt19937 rng(99);
  const std::vector<SyntheticRun> runs = RandomRuns(rng, 400, /*cycles=*/true);
  AppendRuns(runs, 50);
  CheckAgainstReference(*this, runs, rng);
}

TEST_F(GraphCoreTest, ReloadedIndexEqualsTheIncrementalOne) {
  std::mt19937 rng(5);
  const std::vector<SyntheticRun> runs = RandomRuns(rng, 300, /*cycles=*/true);
  AppendRuns(runs, 20);
  std::unique_ptr<GraphIndex> reloaded = *GraphIndex::Load(*store_);
  GraphIndex::ReadLock a(*index_);
  GraphIndex::ReadLock b(*reloaded);
  ASSERT_EQ(a.node_count(), b.node_count());
  for (uint64_t id = 1; id < a.node_count(); ++id) {
    const GraphIndex::Node* x = a.node(id);
    const GraphIndex::Node* y = b.node(id);
    ASSERT_NE(x, nullptr);
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(x->first_log_index, y->first_log_index);
    EXPECT_EQ(x->out.size(), y->out.size());
    EXPECT_EQ(x->in.size(), y->in.size());
    ASSERT_EQ(x->effective.size(), y->effective.size()) << id;
    for (size_t i = 0; i < x->effective.size(); ++i) {
      EXPECT_EQ(x->effective[i].log_index, y->effective[i].log_index);
      EXPECT_EQ(x->effective[i].tier, y->effective[i].tier);
    }
    for (uint64_t snapshot : {uint64_t{1}, uint64_t{runs.size() / 2}, ~uint64_t{0}}) {
      EXPECT_EQ(a.owner_at(id, snapshot), b.owner_at(id, snapshot)) << id << " @" << snapshot;
    }
  }
}

TEST_F(GraphCoreTest, ChainOneHundredThousandDeepWorksInBothViews) {
  constexpr int kDepth = 100000;
  std::vector<SyntheticRun> runs;
  runs.reserve(kDepth);
  for (int i = 0; i < kDepth; ++i) {
    runs.push_back({absl::StrCat("c", i), {absl::StrCat("d", i)}, {absl::StrCat("d", i + 1)}, {}});
  }
  runs[0].input_tier = v1::CLASSIFICATION_RESTRICTED;
  AppendRuns(runs, 5000);
  const uint64_t last = VersionId(absl::StrCat("d", kDepth));
  TraversalSpec spec;
  spec.start = {last};
  spec.upstream = true;
  spec.limit = 10000000;
  MemoryGraphView memory(*index_, next_index_);
  absl::StatusOr<TraversalResult> up = Traverse(memory, spec);
  ASSERT_TRUE(up.ok()) << up.status();
  ASSERT_EQ(up->returned.size(), 2u * kDepth);  // Every run and every earlier version.
  EXPECT_EQ(up->reached[up->returned.back()].depth, 2u * kDepth);
  EXPECT_EQ(up->reached[up->returned.back()].id, VersionId("d0"));
  EXPECT_EQ(*memory.Effective(last), v1::CLASSIFICATION_RESTRICTED);
  // The same from RocksDB alone (slower: one scan per hop).
  StoredGraphView stored(*store_, next_index_);
  spec.start = {VersionId("d0")};
  spec.upstream = false;
  absl::StatusOr<TraversalResult> down = Traverse(stored, spec);
  ASSERT_TRUE(down.ok()) << down.status();
  EXPECT_EQ(down->returned.size(), 2u * kDepth);
  EXPECT_EQ(down->reached[down->returned.back()].id, last);
  // Effective classification from RocksDB alone walks the chain once.
  EXPECT_EQ(*stored.Effective(last), v1::CLASSIFICATION_RESTRICTED);
}

TEST_F(GraphCoreTest, LimitsTruncateWithAReason) {
  std::vector<SyntheticRun> runs;
  for (int i = 0; i < 50; ++i)
    runs.push_back({absl::StrCat("fan", i), {"hub"}, {absl::StrCat("o", i)}, {}});
  AppendRuns(runs);
  MemoryGraphView view(*index_, next_index_);
  TraversalSpec spec;
  spec.start = {VersionId("hub")};
  spec.limit = 10;
  absl::StatusOr<TraversalResult> limited = Traverse(view, spec);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->returned.size(), 10u);
  EXPECT_TRUE(limited->truncated);
  EXPECT_EQ(limited->reason, v1::TRUNCATION_REASON_NODE_LIMIT);
  spec.limit = 1000;
  spec.max_depth = 1;
  absl::StatusOr<TraversalResult> shallow = Traverse(view, spec);
  ASSERT_TRUE(shallow.ok());
  EXPECT_EQ(shallow->returned.size(), 50u);
  EXPECT_TRUE(shallow->truncated);
  EXPECT_EQ(shallow->reason, v1::TRUNCATION_REASON_MAX_DEPTH);
  spec.max_depth = 0;
  spec.check_cancelled = [] { return absl::DeadlineExceededError("too late"); };
  spec.max_visited = 5;
  absl::StatusOr<TraversalResult> capped = Traverse(view, spec);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->reason, v1::TRUNCATION_REASON_VISIT_LIMIT);
}

}  // namespace
}  // namespace lineage
