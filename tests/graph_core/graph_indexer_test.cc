// GraphIndexer on real RocksDB: what it keeps between events (cached node
// keys and records, per-group counters, edges of nodes an event creates)
// must never change what reaches the store, whether a group commits or
// aborts.
#include "server/graph/graph_indexer.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/graph/graph_delta.h"
#include "server/graph/node_record.h"
#include "storage/database.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

using ::testing::ElementsAre;

// A run reading `input` and writing `output` (dataset versions by name);
// `twice` repeats the output edge, as a careless producer might.
EventPlan RunPlan(const std::string& run, const std::string& input, const std::string& output,
                  bool twice = false) {
  EventPlan plan;
  plan.event_id = run;
  auto add = [&](v1::NodeKind kind, std::string key, const std::string& name) {
    NodeMention n;
    n.kind = kind;
    n.ns = "ns";
    n.name = name;
    n.natural_key = std::move(key);
    plan.nodes.push_back(std::move(n));
    return plan.nodes.size() - 1;
  };
  const size_t r = add(v1::NODE_KIND_RUN, RunKey("ns", run), run);
  plan.nodes[r].run_id = run;
  const size_t in = add(v1::NODE_KIND_DATASET_VERSION,
                        VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", input, "1"), input);
  const size_t out =
      add(v1::NODE_KIND_DATASET_VERSION,
          VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", output, "1"), output);
  plan.edges.push_back({in, v1::EDGE_KIND_INPUT_TO, r});
  plan.edges.push_back({r, v1::EDGE_KIND_PRODUCED, out});
  if (twice) plan.edges.push_back({r, v1::EDGE_KIND_PRODUCED, out});
  return plan;
}

// An event that says dataset version `name` is owned by `owner`, at
// `time_micros`.
EventPlan OwnerPlan(const std::string& event_id, const std::string& name, const std::string& owner,
                    int64_t time_micros) {
  EventPlan plan;
  plan.event_id = event_id;
  plan.event_time_micros = time_micros;
  NodeMention n;
  n.kind = v1::NODE_KIND_DATASET_VERSION;
  n.ns = "ns";
  n.name = name;
  n.natural_key = VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", name, "1");
  n.properties.emplace_back(std::string(kOwnerProperty), owner);
  plan.nodes.push_back(std::move(n));
  return plan;
}

class GraphIndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = *Database::Open({.path = dir_.path(), .block_cache_bytes = 8 << 20});
    store_ = std::make_unique<GraphStore>(*db_);
    indexer_ = std::make_unique<GraphIndexer>(
        *store_, [this](const GraphDelta& d) { published_edges_ += d.edges.size(); });
  }

  // Indexes `plans` as one group at log indexes next_index_.., commits it.
  void Commit(const std::vector<EventPlan>& plans) {
    WriteBatch batch(*db_);
    for (const EventPlan& plan : plans) {
      ASSERT_TRUE(indexer_->IndexPlan(plan, next_index_, next_index_, batch).ok());
      ++next_index_;
    }
    indexer_->FinishGroup(batch);
    ASSERT_TRUE(db_->Write(batch, /*sync=*/false).ok());
    indexer_->OnCommitted();
  }

  uint64_t Id(const std::string& run) { return *store_->FindNode(*db_, RunKey("ns", run)); }
  // Dataset version `name`'s stored owner history: "owner@index ...".
  std::string Owners(const std::string& name) {
    const uint64_t id =
        *store_->FindNode(*db_, VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", name, "1"));
    storage::GraphNodeRecord record;
    EXPECT_TRUE(record.ParseFromString(*store_->ReadNode(*db_, id)));
    std::string out;
    for (const storage::PropertyChange& c : record.changes()) {
      if (c.key() == kOwnerProperty)
        absl::StrAppend(&out, c.value().value(), "@", c.log_index(), " ");
    }
    return out;
  }
  // The log index of each edge leaving `id`, in the store's order.
  std::vector<uint64_t> OutEdgeLogIndexes(uint64_t id) {
    std::vector<uint64_t> indexes;
    EXPECT_TRUE(store_
                    ->ScanEdges(*db_, id, /*outgoing=*/true,
                                [&](const StoredEdge& e) {
                                  indexes.push_back(e.log_index);
                                  return true;
                                })
                    .ok());
    return indexes;
  }
  uint64_t OutEdges(uint64_t id) {
    uint64_t n = 0;
    EXPECT_TRUE(store_
                    ->ScanEdges(*db_, id, /*outgoing=*/true,
                                [&](const StoredEdge&) {
                                  ++n;
                                  return true;
                                })
                    .ok());
    return n;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<GraphStore> store_;
  std::unique_ptr<GraphIndexer> indexer_;
  uint64_t next_index_ = 0;
  size_t published_edges_ = 0;
};

TEST_F(GraphIndexerTest, CountersAreWrittenOncePerGroupAndMatchTheGraph) {
  Commit({RunPlan("a", "raw", "clean"), RunPlan("b", "clean", "features")});
  // Nodes: run a, raw, clean, run b, features: IDs 1..5, next 6.
  EXPECT_EQ(*store_->ReadNextNodeId(*db_), 6u);
  EXPECT_EQ(*store_->ReadEdgeCount(*db_), 4u);
  EXPECT_EQ(published_edges_, 4u);
  Commit({RunPlan("c", "features", "model-input")});
  EXPECT_EQ(*store_->ReadNextNodeId(*db_), 8u);
  EXPECT_EQ(*store_->ReadEdgeCount(*db_), 6u);
}

TEST_F(GraphIndexerTest, AnAbortedGroupLeavesNoCachedKeysBehind) {
  Commit({RunPlan("a", "raw", "clean")});
  {
    WriteBatch batch(*db_);
    ASSERT_TRUE(indexer_->IndexPlan(RunPlan("b", "clean", "features"), next_index_, 0, batch).ok());
    indexer_->OnAborted();  // The batch is never written.
  }
  EXPECT_TRUE(absl::IsNotFound(store_->FindNode(*db_, RunKey("ns", "b")).status()));
  // The same event again must create its nodes for real, with the IDs the
  // aborted group would have used, and write their records.
  Commit({RunPlan("b", "clean", "features")});
  const uint64_t b = Id("b");
  EXPECT_EQ(b, 4u);
  EXPECT_TRUE(store_->ReadNode(*db_, b).ok());
  EXPECT_EQ(OutEdges(b), 1u);
  EXPECT_EQ(*store_->ReadNextNodeId(*db_), 6u);
  EXPECT_EQ(*store_->ReadEdgeCount(*db_), 4u);
}

TEST_F(GraphIndexerTest, EdgesAreRecordedOnceWhetherTheirNodesAreNewOrNot) {
  // A new run's edge given twice in one event is one edge.
  Commit({RunPlan("a", "raw", "clean", /*twice=*/true)});
  EXPECT_EQ(OutEdges(Id("a")), 1u);
  EXPECT_EQ(*store_->ReadEdgeCount(*db_), 2u);
  // The same run again (known nodes only): nothing new, in a later group
  // and within one group.
  Commit({RunPlan("a", "raw", "clean")});
  Commit({RunPlan("a", "raw", "clean", true), RunPlan("a", "raw", "clean")});
  EXPECT_EQ(OutEdges(Id("a")), 1u);
  EXPECT_EQ(*store_->ReadEdgeCount(*db_), 2u);
  EXPECT_EQ(published_edges_, 2u);
  // The first assertion's log index stays.
  EXPECT_THAT(OutEdgeLogIndexes(Id("a")), ElementsAre(0u));
}

TEST_F(GraphIndexerTest, AnEdgeOfNodesTheGroupCreatedIsRecordedOnceWhenAssertedAgainInIt) {
  // Edges are written blind: the second event must know from the indexer
  // itself, not from reading the batch, that the first one linked these
  // nodes (created by the first event, known by the time of the second).
  Commit({RunPlan("a", "raw", "clean"), RunPlan("a", "raw", "clean", /*twice=*/true)});
  EXPECT_EQ(OutEdges(Id("a")), 1u);
  EXPECT_EQ(*store_->ReadEdgeCount(*db_), 2u);
  EXPECT_EQ(published_edges_, 2u);
  EXPECT_THAT(OutEdgeLogIndexes(Id("a")), ElementsAre(0u));  // The first event's.
  // An aborted group forgets its edges: the same event later links again.
  {
    WriteBatch batch(*db_);
    ASSERT_TRUE(indexer_->IndexPlan(RunPlan("b", "clean", "features"), next_index_, 0, batch).ok());
    indexer_->OnAborted();
  }
  Commit({RunPlan("b", "clean", "features"), RunPlan("b", "clean", "features")});
  EXPECT_EQ(OutEdges(Id("b")), 1u);
  EXPECT_EQ(*store_->ReadEdgeCount(*db_), 4u);
}

TEST_F(GraphIndexerTest, CachedRecordsFollowCommitsAndForgetAbortedChanges) {
  Commit({OwnerPlan("e0", "raw", "alice", 10)});
  EXPECT_EQ(Owners("raw"), "alice@0 ");
  // A change in a group that aborts never reaches the store or the cache.
  {
    WriteBatch batch(*db_);
    ASSERT_TRUE(
        indexer_->IndexPlan(OwnerPlan("e1", "raw", "mallory", 20), next_index_, 0, batch).ok());
    indexer_->OnAborted();
  }
  EXPECT_EQ(Owners("raw"), "alice@0 ");
  // Two changes in one group: the second builds on the first (the group's
  // own record, not the committed one), and both are stored.
  Commit({OwnerPlan("e2", "raw", "bob", 30), OwnerPlan("e3", "raw", "carol", 40)});
  EXPECT_EQ(Owners("raw"), "alice@0 bob@1 carol@2 ");
  // A later group starts from the committed record (now cached): an older
  // assertion loses, a newer one wins.
  Commit({OwnerPlan("e4", "raw", "dave", 35)});
  EXPECT_EQ(Owners("raw"), "alice@0 bob@1 carol@2 ");
  Commit({OwnerPlan("e5", "raw", "erin", 50)});
  EXPECT_EQ(Owners("raw"), "alice@0 bob@1 carol@2 erin@4 ");
}

// Dataset version `name`@1, identified by `digest` when given, else by name.
EventPlan VersionPlan(const std::string& event_id, const std::string& name,
                      const std::string& digest) {
  EventPlan plan;
  plan.event_id = event_id;
  NodeMention n;
  n.kind = v1::NODE_KIND_DATASET_VERSION;
  n.ns = "ns";
  n.name = name;
  n.version = "1";
  n.digest = digest;
  n.is_version = true;
  n.natural_key = digest.empty() ? VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", name, "1")
                                 : VersionKeyByDigest(v1::NODE_KIND_DATASET_VERSION, digest);
  plan.nodes.push_back(std::move(n));
  return plan;
}

TEST_F(GraphIndexerTest, KnownNameEntriesFollowCommitsAndForgetAbortedOnes) {
  auto named = [&](const std::string& name) {
    std::vector<uint64_t> ids;
    EXPECT_TRUE(store_
                    ->ScanNames(*db_, v1::NODE_KIND_DATASET_VERSION, "ns", name, "1",
                                [&](uint64_t id, uint64_t) {
                                  ids.push_back(id);
                                  return true;
                                })
                    .ok());
    return ids;
  };
  // An aborted group files node 1 under tbl@1 ...
  {
    WriteBatch batch(*db_);
    ASSERT_TRUE(indexer_->IndexPlan(VersionPlan("e0", "tbl", ""), next_index_, 0, batch).ok());
    indexer_->OnAborted();
  }
  // ... so when node 1 is created again, for another identity under the
  // same name, its name entry must still be written.
  Commit({VersionPlan("e1", "tbl", "sha256:aa")});
  EXPECT_EQ(named("tbl"), std::vector<uint64_t>{1});
  // Re-mentions (within a group and in later ones) file nothing new; a
  // second identity under the name joins it and is linked to the first.
  Commit({VersionPlan("e2", "tbl", "sha256:aa"), VersionPlan("e3", "tbl", "sha256:aa")});
  Commit({VersionPlan("e4", "tbl", "sha256:aa"), VersionPlan("e5", "tbl", "")});
  EXPECT_EQ(named("tbl"), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(OutEdges(2), 1u);  // Name-only node -> digest node (SAME_AS).
}

TEST_F(GraphIndexerTest, KnownEdgesBetweenKnownNodesForgetAbortedOnes) {
  Commit({RunPlan("a", "raw", "clean")});  // a -> clean.
  // Edges between nodes that all exist already, in a group that aborts ...
  {
    WriteBatch batch(*db_);
    ASSERT_TRUE(indexer_->IndexPlan(RunPlan("a", "clean", "raw"), next_index_, 0, batch).ok());
    indexer_->OnAborted();
  }
  EXPECT_EQ(OutEdges(Id("a")), 1u);
  // ... are written when asserted again, once, however often.
  Commit({RunPlan("a", "clean", "raw"), RunPlan("a", "clean", "raw")});
  Commit({RunPlan("a", "clean", "raw")});
  EXPECT_EQ(OutEdges(Id("a")), 2u);  // a -> clean, a -> raw.
  EXPECT_EQ(*store_->ReadEdgeCount(*db_), 4u);
  EXPECT_EQ(published_edges_, 4u);
}

TEST_F(GraphIndexerTest, ASubjectEntryKeepsTheFirstLogIndexThatAssertedIt) {
  // Subject entries are written blind: within a group the indexer must
  // remember its own, and across groups find the committed one.
  auto subject_plan = [](const std::string& event_id, const std::string& name,
                        const std::string& token) {
    EventPlan plan = VersionPlan(event_id, name, /*digest=*/"");
    plan.nodes[0].subject_tokens.push_back(token);
    return plan;
  };
  Commit({subject_plan("e0", "raw", "tok"), subject_plan("e1", "raw", "tok")});
  const uint64_t raw =
      *store_->FindNode(*db_, VersionKeyByName(v1::NODE_KIND_DATASET_VERSION, "ns", "raw", "1"));
  EXPECT_EQ(*store_->FindSubject(*db_, "tok", raw), 0u);
  Commit({subject_plan("e2", "raw", "tok"), subject_plan("e3", "raw", "other")});
  EXPECT_EQ(*store_->FindSubject(*db_, "tok", raw), 0u);
  EXPECT_EQ(*store_->FindSubject(*db_, "other", raw), 3u);
  // An aborted group's entry is forgotten: the same token later is written.
  {
    WriteBatch batch(*db_);
    ASSERT_TRUE(indexer_->IndexPlan(subject_plan("e4", "raw", "third"), next_index_, 0, batch).ok());
    indexer_->OnAborted();
  }
  Commit({subject_plan("e4", "raw", "third")});
  EXPECT_EQ(*store_->FindSubject(*db_, "third", raw), 4u);
}

}  // namespace
}  // namespace lineage
