// VisitMap against a std::map on random IDs: dense ones, ones in far-apart
// pages, and ones past 2^32 (the hash-table side), across many chunks.
#include "server/graph/visit_map.h"

#include <map>
#include <random>

#include "gtest/gtest.h"

namespace lineage {
namespace {

TEST(VisitMapTest, MatchesAMapAcrossChunksPagesAndFarIds) {
  std::mt19937_64 rng(7);
  VisitMap visits;
  std::map<uint64_t, Visit> reference;
  std::map<uint64_t, bool> expanded;
  for (int i = 0; i < 50000; ++i) {
    const int dice = static_cast<int>(rng() % 10);
    const uint64_t id = dice == 0   ? (uint64_t{1} << 40) + rng() % 5000
                        : dice == 1 ? rng() % 4000000
                                    : 1 + rng() % 60000;
    auto [visit, inserted] = visits.TryEmplace(id);
    ASSERT_EQ(inserted, reference.count(id) == 0) << id;
    if (inserted) {
      visit->depth = static_cast<uint32_t>(i);
      visit->pred = id * 3;
      reference[id] = *visit;
    }
    if (rng() % 4 == 0) {
      ASSERT_EQ(visits.MarkExpanded(id), !expanded[id]) << id;
      expanded[id] = true;
      visits.SetNodeKind(id, v1::NODE_KIND_RUN);
      visits.SetHasNext(id);
    }
  }
  ASSERT_EQ(visits.size(), reference.size());
  for (const auto& [id, want] : reference) {
    ASSERT_TRUE(visits.contains(id)) << id;
    const Visit* got = visits.find(id);
    ASSERT_NE(got, nullptr) << id;
    EXPECT_EQ(got->depth, want.depth) << id;
    EXPECT_EQ(got->pred, want.pred) << id;
    EXPECT_EQ(visits.at(id).depth, want.depth) << id;
    const bool was_expanded = expanded.count(id) != 0;
    EXPECT_EQ(visits.HasNext(id), was_expanded) << id;
    EXPECT_EQ(visits.NodeKind(id),
              was_expanded ? v1::NODE_KIND_RUN : v1::NODE_KIND_UNSPECIFIED) << id;
  }
  for (uint64_t id : {uint64_t{0}, uint64_t{60001}, uint64_t{1} << 41, uint64_t{9000000}}) {
    if (reference.count(id) != 0) continue;
    EXPECT_FALSE(visits.contains(id)) << id;
    EXPECT_EQ(visits.find(id), nullptr) << id;
    EXPECT_FALSE(visits.HasNext(id)) << id;
  }
}

TEST(VisitMapTest, VisitsStayPutAsTheMapGrows) {
  VisitMap visits;
  Visit* first = visits.TryEmplace(1).first;
  first->depth = 42;
  for (uint64_t id = 2; id < 20000; ++id) visits.TryEmplace(id);
  EXPECT_EQ(first, visits.find(1));
  EXPECT_EQ(visits.at(1).depth, 42u);
  EXPECT_EQ(visits.size(), 19999u);
}

}  // namespace
}  // namespace lineage
