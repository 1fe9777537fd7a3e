// The loader of merkle-vectors.json itself: the file is complete and its
// 64-bit indices survive parsing exactly.
#include "tests/crypto/test_vectors.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"

namespace lineage {
namespace {

TEST(TestVectorsTest, KeepsUint64MaxIndexExactly) {
  int found = 0;
  for (const auto& p : Vectors().probes().inclusion()) {
    if (p.file().find("leafIdx-sub-@1") != std::string::npos &&
        p.leaf_index() == UINT64_C(18446744073709551615)) {
      ++found;
    }
  }
  // testdata/inclusion/{0,1}/leafIdx-sub-@1.json: upstream leaf index 0 - 1.
  EXPECT_EQ(found, 2);
}

TEST(TestVectorsTest, ParsesLargeIntegersWithoutRoundingThroughDouble) {
  // 2^64 - 1 and 2^53 + 1 are not representable as doubles.
  absl::StatusOr<testing::MerkleVectors> v = ParseVectors(
      R"({"probes": {"inclusion": [
            {"leaf_index": 18446744073709551615, "tree_size": 9007199254740993}]}})");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->probes().inclusion_size(), 1);
  EXPECT_EQ(v->probes().inclusion(0).leaf_index(), ~uint64_t{0});
  EXPECT_EQ(v->probes().inclusion(0).tree_size(), (uint64_t{1} << 53) + 1);
  // And out-of-range values are an error, not a silent wrap or clamp.
  EXPECT_FALSE(
      ParseVectors(R"({"probes": {"inclusion": [{"leaf_index": 18446744073709551616}]}})").ok());
}

TEST(TestVectorsTest, FileHasEverySection) {
  const testing::MerkleVectors& v = Vectors();
  EXPECT_EQ(v.leaves_hex_size(), 8);
  EXPECT_EQ(v.roots().size(), 10u);  // Sizes 0..8 and the comment.
  EXPECT_EQ(v.node_hashes().level0_size(), 8);
  EXPECT_EQ(v.node_hashes().level3_size(), 1);
  EXPECT_EQ(v.inclusion_proofs().vectors_size(), 5);
  EXPECT_EQ(v.consistency_proofs().vectors_size(), 5);
  EXPECT_EQ(v.probes().inclusion_size(), 98);
  EXPECT_EQ(v.probes().consistency_size(), 98);
  EXPECT_EQ(v.derived_all_proofs().inclusion().size(), 36u);
  EXPECT_EQ(v.derived_all_proofs().consistency().size(), 36u);
  EXPECT_EQ(v.signing_vectors().rfc8032_ed25519().vectors_size(), 2);
  EXPECT_FALSE(v.signing_vectors().derived_checkpoint_example().signed_checkpoint().empty());
  EXPECT_EQ(v.signing_vectors().go_sumdb_tree_note_text().tree_size(), 123456789012u);
}

TEST(TestVectorsTest, HexToBytesIsStrict) {
  EXPECT_EQ(HexToBytes("00ff7F"), std::string("\x00\xff\x7f", 3));
  EXPECT_EQ(HexToBytes(""), std::string());
  EXPECT_FALSE(HexToBytes("abc").has_value());
  EXPECT_FALSE(HexToBytes("zz").has_value());
}

}  // namespace
}  // namespace lineage
