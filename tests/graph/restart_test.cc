// The same answers whether the graph is held in memory or read from RocksDB,
// and after a restart (the in-memory index rebuilt from RocksDB) as before.
#include <map>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lineage/v1/admin.grpc.pb.h"
#include "tests/graph/graph_answers.h"
#include "tests/graph/graph_expect.h"
#include "tests/graph/graph_ledger.h"
#include "tests/graph/pipeline_generator.h"

namespace lineage {
namespace {

using ::lineage::testing::Answers;
using ::lineage::testing::AnswersAt;
using ::lineage::testing::AtSize;
using ::lineage::testing::GraphLedger;
using ::lineage::testing::RandomPipeline;
using ::lineage::testing::RandomPipelineOptions;

std::vector<v1::LineageEvent> Events(uint32_t seed) {
  RandomPipelineOptions options;
  options.seed = seed;
  options.runs = 30;
  options.back_edges = 2;
  return RandomPipeline(options);
}

std::string TextAt(GraphLedger& ledger, const v1::AsOf& as_of) {
  absl::StatusOr<Answers> a = AnswersAt(ledger, as_of);
  EXPECT_TRUE(a.ok()) << a.status();
  return a.ok() ? a->text : "";
}

TEST(MemoryAndRocksDbTest, GiveIdenticalAnswers) {
  const std::vector<v1::LineageEvent> events = Events(505);
  GraphLedger memory(true), rocksdb(false);
  ASSERT_TRUE(memory.Start().ok());
  ASSERT_TRUE(rocksdb.Start().ok());
  ASSERT_TRUE(memory.Append(events, 4).ok());
  ASSERT_TRUE(rocksdb.Append(events, 4).ok());
  absl::StatusOr<uint64_t> size = memory.TreeSize();
  ASSERT_TRUE(size.ok());
  for (const v1::AsOf& as_of : {v1::AsOf(), AtSize(*size / 2)}) {
    const std::string want = TextAt(memory, as_of);
    EXPECT_GT(want.size(), 10000u);
    EXPECT_EQ(TextAt(rocksdb, as_of), want) << as_of.ShortDebugString();
  }
}

v1::GraphStatus GraphStatusOf(GraphLedger& ledger) {
  auto admin = v1::AdminService::NewStub(ledger.harness().channel());
  grpc::ClientContext context;
  v1::LedgerStatus status;
  const grpc::Status got = admin->GetStatus(&context, v1::GetStatusRequest(), &status);
  EXPECT_TRUE(got.ok()) << got.error_message();
  EXPECT_TRUE(status.has_graph());
  return status.graph();
}

// GetStatus describes the graph queries read: what the index holds, and the
// compact adjacency: built at start, then stale by the nodes appended since
// (read from the index) until a quarter more edges start a rebuild.
TEST(GraphStatusTest, CountsTheIndexAndItsCompactAdjacency) {
  const std::vector<v1::LineageEvent> events = Events(707);
  const size_t half = events.size() / 2;
  GraphLedger memory(true), rocksdb(false);
  ASSERT_TRUE(memory.Start().ok());
  ASSERT_TRUE(rocksdb.Start().ok());
  ASSERT_TRUE(memory.Append({events.begin(), events.begin() + half}, 4).ok());
  ASSERT_TRUE(rocksdb.Append(events, 4).ok());

  // Started empty: the compact adjacency built then holds nothing.
  const v1::GraphStatus grown = GraphStatusOf(memory);
  EXPECT_TRUE(grown.in_memory());
  absl::StatusOr<std::map<uint64_t, v1::Node>> nodes = memory.AllNodes();
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  EXPECT_EQ(grown.nodes(), nodes->size());
  EXPECT_GT(grown.edges(), grown.nodes());
  EXPECT_LE(grown.compact_tree_size(), 1u);
  EXPECT_EQ(grown.compact_edges(), 0u);
  EXPECT_EQ(grown.compact_rebuilds(), 1u);  // The build at start.

  // A restart builds it over everything.
  absl::StatusOr<uint64_t> size = memory.TreeSize();
  ASSERT_TRUE(size.ok());
  ASSERT_TRUE(memory.Restart().ok());
  const v1::GraphStatus loaded = GraphStatusOf(memory);
  EXPECT_EQ(loaded.nodes(), grown.nodes());
  EXPECT_EQ(loaded.edges(), grown.edges());
  EXPECT_EQ(loaded.compact_tree_size(), *size);
  EXPECT_EQ(loaded.compact_nodes(), loaded.nodes() + 1);  // Its rows start at ID 0.
  EXPECT_EQ(loaded.compact_edges(), loaded.edges());
  EXPECT_EQ(loaded.compact_dirty_nodes(), 0u);
  EXPECT_GT(loaded.compact_bytes(), 4 * loaded.edges());
  EXPECT_EQ(loaded.compact_rebuilds(), 1u);

  // The second half reads datasets of the first: those nodes are dirty, and
  // the compact adjacency stays at the size it was built at.
  ASSERT_TRUE(memory.Append({events.begin() + half, events.end()}, 4).ok());
  const v1::GraphStatus after = GraphStatusOf(memory);
  EXPECT_GT(after.nodes(), loaded.nodes());
  EXPECT_GT(after.edges(), loaded.edges());
  EXPECT_EQ(after.compact_tree_size(), *size);
  EXPECT_GT(after.compact_dirty_nodes(), 0u);
  EXPECT_LT(after.compact_dirty_nodes(), loaded.nodes());

  const v1::GraphStatus stored = GraphStatusOf(rocksdb);
  EXPECT_FALSE(stored.in_memory());
  EXPECT_EQ(stored.nodes(), 0u);
  EXPECT_EQ(stored.compact_tree_size(), 0u);
}

class RestartTest : public ::testing::TestWithParam<bool> {};

TEST_P(RestartTest, AnswersAreTheSameAfterARestart) {
  const std::vector<v1::LineageEvent> events = Events(606);
  const size_t half = events.size() / 2;
  GraphLedger ledger(GetParam());
  ASSERT_TRUE(ledger.Start().ok());
  ASSERT_TRUE(ledger.Append({events.begin(), events.begin() + half}, 3).ok());
  absl::StatusOr<uint64_t> size = ledger.TreeSize();
  ASSERT_TRUE(size.ok());
  const std::string latest = TextAt(ledger, {});
  const std::string earlier = TextAt(ledger, AtSize(*size / 2));

  ASSERT_TRUE(ledger.Restart().ok());
  EXPECT_EQ(TextAt(ledger, {}), latest);
  EXPECT_EQ(TextAt(ledger, AtSize(*size / 2)), earlier);

  // The rebuilt index keeps up with what comes next.
  ASSERT_TRUE(ledger.Append({events.begin() + half, events.end()}, 3).ok());
  testing::ExpectWholeGraph(ledger, /*compare_order_dependent=*/true, "after restart");
  EXPECT_EQ(TextAt(ledger, AtSize(*size)), latest);
}

INSTANTIATE_TEST_SUITE_P(Modes, RestartTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Memory" : "RocksDb";
                         });

}  // namespace
}  // namespace lineage
