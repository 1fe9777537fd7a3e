// Node records: last-writer-wins properties and their history by log index.
#include "server/graph/node_record.h"

#include <algorithm>
#include <random>

#include "gtest/gtest.h"

namespace lineage {
namespace {

struct Assertion {
  std::string owner;
  int64_t time;
  std::string event_id;
  bool terminal;
  std::string state;
  v1::Classification tier;
};

EventPlan PlanOf(const Assertion& a) {
  EventPlan plan;
  plan.event_time_micros = a.time;
  plan.event_id = a.event_id;
  plan.terminal = a.terminal;
  return plan;
}

NodeMention MentionOf(const Assertion& a) {
  NodeMention m;
  m.kind = v1::NODE_KIND_RUN;
  m.classification = a.tier;
  if (!a.owner.empty()) m.properties.emplace_back("owner", a.owner);
  if (!a.state.empty()) m.properties.emplace_back("run_state", a.state);
  return m;
}

// Applies assertions in the given order, one log index each.
storage::GraphNodeRecord ApplyAll(const std::vector<Assertion>& order) {
  storage::GraphNodeRecord r = NewNodeRecord(1, MentionOf(order[0]), 0, 0);
  for (size_t i = 0; i < order.size(); ++i) {
    std::optional<v1::Classification> raised;
    ApplyMention(r, MentionOf(order[i]), PlanOf(order[i]), i, raised);
  }
  return r;
}

TEST(NodeRecordTest, LatestEventTimeWinsWhateverTheArrivalOrder) {
  std::vector<Assertion> as = {
      {"alice", 100, "e1", false, "", v1::CLASSIFICATION_INTERNAL},
      {"bob", 300, "e3", false, "", v1::CLASSIFICATION_UNSPECIFIED},
      {"carol", 200, "e2", false, "", v1::CLASSIFICATION_RESTRICTED},
      {"", 400, "e4", false, "", v1::CLASSIFICATION_PUBLIC},  // Asserts no owner.
  };
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(as.begin(), as.end(), rng);
    const storage::GraphNodeRecord r = ApplyAll(as);
    EXPECT_EQ(PropertiesAt(r, as.size()).owner(), "bob");
    EXPECT_EQ(DeclaredAt(r, as.size()), v1::CLASSIFICATION_RESTRICTED);
  }
}

TEST(NodeRecordTest, TerminalRunStateWinsOverStartedEvenIfOlder) {
  std::vector<Assertion> as = {
      {"", 500, "start", false, std::to_string(v1::RUN_STATE_STARTED), {}},
      {"", 100, "complete", true, std::to_string(v1::RUN_STATE_COMPLETED), {}},
  };
  EXPECT_EQ(PropertiesAt(ApplyAll(as), 2).run_state(), v1::RUN_STATE_COMPLETED);
  std::swap(as[0], as[1]);
  EXPECT_EQ(PropertiesAt(ApplyAll(as), 2).run_state(), v1::RUN_STATE_COMPLETED);
}

TEST(NodeRecordTest, HistoryGivesThePrefixReplayAtEverySize) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> time(0, 50), owner(0, 3), tier(0, 4);
  for (int round = 0; round < 50; ++round) {
    std::vector<Assertion> as;
    for (int i = 0; i < 12; ++i) {
      as.push_back({owner(rng) == 0 ? "" : "o" + std::to_string(owner(rng)), time(rng),
                    "e" + std::to_string(i), false, "",
                    static_cast<v1::Classification>(tier(rng))});
    }
    const storage::GraphNodeRecord full = ApplyAll(as);
    for (size_t size = 1; size <= as.size(); ++size) {
      const storage::GraphNodeRecord prefix =
          ApplyAll(std::vector<Assertion>(as.begin(), as.begin() + size));
      EXPECT_EQ(PropertiesAt(full, size).owner(), PropertiesAt(prefix, size).owner())
          << "round " << round << " size " << size;
      EXPECT_EQ(DeclaredAt(full, size), DeclaredAt(prefix, size));
      EXPECT_EQ(PropertyAt(full, "owner", size), PropertiesAt(prefix, size).owner());
    }
  }
}

TEST(NodeRecordTest, RepeatingTheWinningValueAddsNoHistory) {
  std::vector<Assertion> as;
  for (int i = 0; i < 100; ++i) as.push_back({"team", i, "e" + std::to_string(i), false, "", {}});
  EXPECT_EQ(ApplyAll(as).changes_size(), 1);
}

}  // namespace
}  // namespace lineage
