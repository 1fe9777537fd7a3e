// The same answers whether the graph is held in memory or read from RocksDB,
// and after a restart (the in-memory index rebuilt from RocksDB) as before.
#include "absl/strings/str_cat.h"
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
