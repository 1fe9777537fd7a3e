// GraphFixture: the graph layer on real RocksDB in a fresh temp dir, fed
// EventPlans directly (the indexer writing, the in-memory index applying
// each committed group), for graph_core tests.
#ifndef LINEAGE_TESTS_GRAPH_CORE_GRAPH_FIXTURE_H_
#define LINEAGE_TESTS_GRAPH_CORE_GRAPH_FIXTURE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/graph/graph_index.h"
#include "server/graph/graph_indexer.h"
#include "storage/database.h"
#include "tests/graph_core/synthetic_runs.h"
#include "tests/testing/temp_dir.h"

namespace lineage::testing {

class GraphFixture : public ::testing::Test {
 public:
  void SetUp() override {
    db_ = *Database::Open({.path = dir_.path(), .block_cache_bytes = 16 << 20});
    store_ = std::make_unique<GraphStore>(*db_);
    index_ = *GraphIndex::Load(*store_, IndexOptions());
    indexer_ =
        std::make_unique<GraphIndexer>(*store_, [this](const GraphDelta& d) { index_->Apply(d); });
  }

  // How SetUp loads the index.
  virtual GraphIndex::Options IndexOptions() const { return {}; }

  // Appends `plans` as log entries next_index_.., `per_group` per commit;
  // published_ follows each commit, as the log writer's checkpoint does.
  void Append(const std::vector<EventPlan>& plans, size_t per_group) {
    for (size_t begin = 0; begin < plans.size(); begin += per_group) {
      WriteBatch batch(*db_);
      for (size_t i = begin; i < std::min(plans.size(), begin + per_group); ++i) {
        ASSERT_TRUE(indexer_->IndexPlan(plans[i], next_index_, next_index_, batch).ok());
        ++next_index_;
      }
      indexer_->FinishGroup(batch);
      ASSERT_TRUE(db_->Write(batch, false).ok());
      indexer_->OnCommitted();  // Applies the group to the index.
      published_ = next_index_;
    }
  }
  // The same for runs, each stamped with its log index as event time.
  void AppendRuns(const std::vector<SyntheticRun>& runs, size_t per_group = 500) {
    std::vector<EventPlan> plans;
    for (const SyntheticRun& r : runs) plans.push_back(PlanOf(r, next_index_ + plans.size()));
    Append(plans, per_group);
  }

  uint64_t Id(const std::string& key) { return *store_->FindNode(*db_, key); }
  uint64_t VersionId(const std::string& name) {
    return Id(VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", name, "1"));
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<GraphStore> store_;
  std::unique_ptr<GraphIndex> index_;
  std::unique_ptr<GraphIndexer> indexer_;
  uint64_t next_index_ = 0;             // The appending thread's.
  std::atomic<uint64_t> published_{0};  // Every entry below it is applied.
};

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_CORE_GRAPH_FIXTURE_H_
