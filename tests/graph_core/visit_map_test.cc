// VisitMap against a std::map on random IDs: dense ones, ones in far-apart
// pages, and ones past 2^32 (the hash-table side).
#include "server/graph/visit_map.h"

#include <map>
#include <random>

#include "gtest/gtest.h"

namespace lineage {
namespace {

TEST(VisitMapTest, MatchesAMapAcrossPagesAndFarIds) {
  std::mt19937_64 rng(7);
  VisitMap visits;
  std::map<uint64_t, uint32_t> reference;
  for (int i = 0; i < 50000; ++i) {
    const int dice = static_cast<int>(rng() % 10);
    const uint64_t id = dice == 0   ? (uint64_t{1} << 40) + rng() % 5000
                        : dice == 1 ? rng() % 4000000
                                    : 1 + rng() % 60000;
    const uint32_t next = static_cast<uint32_t>(reference.size());
    auto [index, inserted] = visits.Insert(id, next);
    ASSERT_EQ(inserted, reference.count(id) == 0) << id;
    if (inserted) {
      EXPECT_EQ(index, next) << id;
      reference[id] = next;
    } else {
      EXPECT_EQ(index, reference[id]) << id;
    }
  }
  ASSERT_EQ(visits.size(), reference.size());
  for (const auto& [id, want] : reference) {
    ASSERT_TRUE(visits.contains(id)) << id;
    EXPECT_EQ(visits.Find(id), want) << id;
  }
  for (uint64_t id : {uint64_t{0}, uint64_t{60001}, uint64_t{1} << 41, uint64_t{9000000}}) {
    if (reference.count(id) != 0) continue;
    EXPECT_FALSE(visits.contains(id)) << id;
    EXPECT_EQ(visits.Find(id), VisitMap::kNone) << id;
  }
}

TEST(VisitMapTest, IndexZeroIsARealEntry) {
  VisitMap visits;
  EXPECT_EQ(visits.Find(5), VisitMap::kNone);
  EXPECT_TRUE(visits.Insert(5, 0).second);
  EXPECT_EQ(visits.Find(5), 0u);
  EXPECT_EQ(visits.Find(6), VisitMap::kNone);  // Same page, not reached.
  EXPECT_FALSE(visits.Insert(5, 9).second);
  EXPECT_EQ(visits.Find(5), 0u);
}

}  // namespace
}  // namespace lineage
