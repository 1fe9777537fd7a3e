// MerkleFrontier and FrontierAddresses against the 8-leaf reference tree.
#include "crypto/merkle_frontier.h"

#include <bit>
#include <map>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "crypto/merkle_hash.h"
#include "gtest/gtest.h"
#include "tests/crypto/memory_tree.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

struct Reported {
  int level;
  uint64_t index;
  Hash hash;
};

std::vector<Hash> LeafHashes() {
  std::vector<Hash> out;
  for (const std::string& leaf : VectorLeaves()) out.push_back(HashLeaf(leaf));
  return out;
}

TEST(MerkleFrontierTest, RootAtEverySizeMatchesVectorRoots) {
  MerkleFrontier frontier;
  EXPECT_EQ(frontier.size(), 0u);
  EXPECT_EQ(HashToHex(frontier.Root()), HashToHex(VectorRoot(0)));
  const std::vector<Hash> leaves = LeafHashes();
  for (size_t i = 0; i < leaves.size(); ++i) {
    frontier.Append(leaves[i], [](int, uint64_t, const Hash&) {});
    EXPECT_EQ(frontier.size(), i + 1);
    EXPECT_EQ(HashToHex(frontier.Root()), HashToHex(VectorRoot(i + 1))) << "size " << i + 1;
  }
}

TEST(MerkleFrontierTest, AppendReportsEachNodeOfTheReferenceTreeOnceBottomUp) {
  const auto& nodes = Vectors().node_hashes();
  const google::protobuf::RepeatedPtrField<std::string>* levels[] = {
      &nodes.level0(), &nodes.level1(), &nodes.level2(), &nodes.level3()};

  MerkleFrontier frontier;
  std::map<std::pair<int, uint64_t>, Hash> seen;
  const std::vector<Hash> leaves = LeafHashes();
  for (size_t i = 0; i < leaves.size(); ++i) {
    std::vector<Reported> reported;
    frontier.Append(leaves[i], [&](int level, uint64_t index, const Hash& hash) {
      reported.push_back({level, index, hash});
    });
    // The leaf, then one node per trailing one bit of the old size.
    ASSERT_EQ(reported.size(), 1u + std::countr_one(static_cast<uint64_t>(i))) << "append " << i;
    for (size_t r = 0; r < reported.size(); ++r) {
      EXPECT_EQ(reported[r].level, static_cast<int>(r)) << "append " << i << " is not bottom-up";
      EXPECT_EQ(reported[r].index, i >> r);
      EXPECT_TRUE(
          seen.emplace(std::make_pair(reported[r].level, reported[r].index), reported[r].hash)
              .second)
          << "node (" << reported[r].level << ", " << reported[r].index << ") reported twice";
    }
  }
  size_t want_count = 0;
  for (int level = 0; level < 4; ++level) {
    for (int index = 0; index < levels[level]->size(); ++index) {
      ++want_count;
      auto it = seen.find({level, index});
      ASSERT_NE(it, seen.end()) << "node (" << level << ", " << index << ") never reported";
      EXPECT_EQ(HashToHex(it->second), levels[level]->Get(index))
          << "node (" << level << ", " << index << ")";
    }
  }
  EXPECT_EQ(seen.size(), want_count);
}

TEST(MerkleFrontierTest, SubtreesAreTheCompleteSubtreesLargestFirst) {
  MemoryTree tree;
  const std::vector<Hash> leaves = LeafHashes();
  for (const Hash& leaf : leaves) {
    tree.Append(leaf);
    const std::vector<NodeAddress> addresses = FrontierAddresses(tree.size());
    const std::vector<Hash>& subtrees = tree.frontier().subtrees();
    ASSERT_EQ(subtrees.size(), addresses.size()) << "size " << tree.size();
    for (size_t i = 0; i < addresses.size(); ++i) {
      EXPECT_EQ(subtrees[i], tree.nodes().at({addresses[i].level, addresses[i].index}))
          << "size " << tree.size() << " subtree " << i;
    }
  }
}

TEST(MerkleFrontierTest, FromSubtreesRoundTripsAndKeepsAppending) {
  const std::vector<Hash> leaves = LeafHashes();
  MerkleFrontier original;
  for (size_t size = 0; size <= leaves.size(); ++size) {
    absl::StatusOr<MerkleFrontier> copy = MerkleFrontier::FromSubtrees(size, original.subtrees());
    ASSERT_TRUE(copy.ok()) << copy.status();
    EXPECT_EQ(copy->size(), size);
    EXPECT_EQ(copy->subtrees(), original.subtrees());
    EXPECT_EQ(HashToHex(copy->Root()), HashToHex(VectorRoot(size)));
    // The rebuilt frontier continues exactly like the original.
    for (size_t next = size; next < leaves.size(); ++next) {
      copy->Append(leaves[next], [](int, uint64_t, const Hash&) {});
      EXPECT_EQ(HashToHex(copy->Root()), HashToHex(VectorRoot(next + 1)))
          << "rebuilt at " << size << ", appended to " << next + 1;
    }
    if (size < leaves.size()) original.Append(leaves[size], [](int, uint64_t, const Hash&) {});
  }
}

TEST(MerkleFrontierTest, FromStoredNodesAtFrontierAddressesGivesVectorRoots) {
  MemoryTree tree;
  for (const Hash& leaf : LeafHashes()) tree.Append(leaf);
  for (uint64_t size = 0; size <= 8; ++size) {
    std::vector<Hash> subtrees;
    for (const NodeAddress& a : FrontierAddresses(size)) {
      absl::StatusOr<Hash> h = tree.Read(size, a.level, a.index);
      ASSERT_TRUE(h.ok()) << h.status();
      subtrees.push_back(*h);
    }
    absl::StatusOr<MerkleFrontier> frontier = MerkleFrontier::FromSubtrees(size, subtrees);
    ASSERT_TRUE(frontier.ok()) << frontier.status();
    EXPECT_EQ(HashToHex(frontier->Root()), HashToHex(VectorRoot(size))) << "size " << size;
  }
}

TEST(MerkleFrontierTest, FromSubtreesRejectsWrongCount) {
  const Hash h = Sha256("x");
  // 6 = 0b110 needs two subtrees.
  EXPECT_EQ(MerkleFrontier::FromSubtrees(6, {h}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MerkleFrontier::FromSubtrees(6, {h, h, h}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MerkleFrontier::FromSubtrees(0, {h}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MerkleFrontier::FromSubtrees(6, {h, h}).ok());
}

std::vector<std::tuple<int, uint64_t>> AsTuples(const std::vector<NodeAddress>& addresses) {
  std::vector<std::tuple<int, uint64_t>> out;
  for (const NodeAddress& a : addresses) out.emplace_back(a.level, a.index);
  return out;
}

TEST(MerkleFrontierTest, FrontierAddressesFollowSetBitsLargestFirst) {
  using T = std::tuple<int, uint64_t>;
  EXPECT_TRUE(FrontierAddresses(0).empty());
  EXPECT_EQ(AsTuples(FrontierAddresses(1)), (std::vector<T>{{0, 0}}));
  EXPECT_EQ(AsTuples(FrontierAddresses(7)), (std::vector<T>{{2, 0}, {1, 2}, {0, 6}}));
  EXPECT_EQ(AsTuples(FrontierAddresses(8)), (std::vector<T>{{3, 0}}));
  // 13 = 8 + 4 + 1: leaves [0, 8), [8, 12), [12, 13).
  EXPECT_EQ(AsTuples(FrontierAddresses(13)), (std::vector<T>{{3, 0}, {2, 2}, {0, 12}}));

  const std::vector<NodeAddress> full = FrontierAddresses(~uint64_t{0});
  ASSERT_EQ(full.size(), 64u);
  EXPECT_EQ(AsTuples({full.front()}), (std::vector<T>{{63, 0}}));
  EXPECT_EQ(AsTuples({full[1]}), (std::vector<T>{{62, 2}}));
  EXPECT_EQ(AsTuples({full.back()}), (std::vector<T>{{0, ~uint64_t{0} - 1}}));
}

}  // namespace
}  // namespace lineage
