// SHA-256 helpers and the RFC 6962 hasher (crypto/hash.h, merkle_hash.h).
#include "crypto/hash.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "crypto/merkle_hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(HasherTest, EmptyTreeRootIsSha256OfEmptyString) {
  const std::string& want = Vectors().hasher_vectors().empty_root();
  EXPECT_EQ(HashToHex(EmptyTreeRoot()), want);
  EXPECT_EQ(HashToHex(Sha256("")), want);
}

TEST(HasherTest, LeafHashOfEmptyLeafMatchesVector) {
  EXPECT_EQ(HashToHex(HashLeaf("")), Vectors().hasher_vectors().leaf_hash_of_empty_leaf());
}

TEST(HasherTest, LeafHashMatchesVector) {
  const auto& v = Vectors().hasher_vectors().leaf_hash();
  ASSERT_EQ(v.leaf_ascii(), "L123456");
  EXPECT_EQ(HashToHex(HashLeaf(v.leaf_ascii())), v.hash());
}

// The upstream node vector hashes raw 4-byte children, which HashChildren
// (32-byte Hash arguments only) cannot take; check the 0x01 || left || right
// construction through Sha256Concat instead. HashChildren itself is checked
// against the node_hashes levels below.
TEST(HasherTest, NodeHashConcatenationMatchesVector) {
  const auto& v = Vectors().hasher_vectors().node_hash();
  EXPECT_EQ(HashToHex(Sha256Concat({"\x01", v.left_ascii(), v.right_ascii()})), v.hash());
}

TEST(HasherTest, HashChildrenBuildsEachLevelOfTheReferenceTree) {
  const auto& nodes = Vectors().node_hashes();
  const google::protobuf::RepeatedPtrField<std::string>* levels[] = {
      &nodes.level0(), &nodes.level1(), &nodes.level2(), &nodes.level3()};
  for (int level = 1; level < 4; ++level) {
    const auto& below = *levels[level - 1];
    const auto& here = *levels[level];
    ASSERT_EQ(below.size(), 2 * here.size()) << "level " << level;
    for (int i = 0; i < here.size(); ++i) {
      EXPECT_EQ(HashToHex(HashChildren(MustHash(below[2 * i]), MustHash(below[2 * i + 1]))),
                here[i])
          << "level " << level << " index " << i;
    }
  }
}

TEST(HasherTest, LeafHashesOfReferenceLeavesMatchLevelZero) {
  const std::vector<std::string> leaves = VectorLeaves();
  ASSERT_EQ(leaves.size(), 8u);
  for (size_t i = 0; i < leaves.size(); ++i) {
    EXPECT_EQ(HashToHex(HashLeaf(leaves[i])), Vectors().node_hashes().level0(i)) << "leaf " << i;
  }
}

TEST(HasherTest, Sha256ConcatEqualsSha256OfConcatenation) {
  EXPECT_EQ(Sha256Concat({"ab", "", "cde"}), Sha256("abcde"));
  EXPECT_EQ(Sha256Concat({}), Sha256(""));
  // Independent value: python3 -c 'import hashlib; print(hashlib.sha256(b"abc").hexdigest())'
  EXPECT_EQ(HashToHex(Sha256Concat({"a", "bc"})),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HasherTest, LargestPowerOfTwoBelowIsStrictlyBelow) {
  for (uint64_t n = 2; n < 5000; ++n) {
    uint64_t want = 1;
    while (want * 2 < n) want *= 2;
    ASSERT_EQ(LargestPowerOfTwoBelow(n), want) << "n = " << n;
  }
  EXPECT_EQ(LargestPowerOfTwoBelow(uint64_t{1} << 63), uint64_t{1} << 62);
  EXPECT_EQ(LargestPowerOfTwoBelow(~uint64_t{0}), uint64_t{1} << 63);
}

TEST(HashTest, HexRoundTripsAndAcceptsUpperCase) {
  const Hash h = Sha256("x");
  const std::string hex = HashToHex(h);
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex, absl::AsciiStrToLower(hex));
  absl::StatusOr<Hash> back = HashFromHex(hex);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, h);
  absl::StatusOr<Hash> upper = HashFromHex(absl::AsciiStrToUpper(hex));
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_EQ(*upper, h);
}

TEST(HashTest, HashFromBytesErrorNamesFieldAndLengths) {
  absl::StatusOr<Hash> short_hash = HashFromBytes(std::string(31, 'a'), "proof.hashes[2]");
  ASSERT_FALSE(short_hash.ok());
  EXPECT_EQ(short_hash.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_hash.status().message(),
              AllOf(HasSubstr("proof.hashes[2]"), HasSubstr("31"), HasSubstr("32")));

  absl::StatusOr<Hash> long_hash = HashFromBytes(std::string(33, 'a'), "root");
  ASSERT_FALSE(long_hash.ok());
  EXPECT_THAT(long_hash.status().message(), AllOf(HasSubstr("root"), HasSubstr("33")));

  absl::StatusOr<Hash> exact = HashFromBytes(std::string(32, '\x7f'), "root");
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ((*exact)[0], 0x7f);
  EXPECT_EQ((*exact)[31], 0x7f);
}

TEST(HashTest, HashFromHexErrorNamesFieldAndLengths) {
  absl::StatusOr<Hash> short_hex = HashFromHex(std::string(63, 'a'), "event.digest");
  ASSERT_FALSE(short_hex.ok());
  EXPECT_EQ(short_hex.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_hex.status().message(),
              AllOf(HasSubstr("event.digest"), HasSubstr("63"), HasSubstr("64")));

  absl::StatusOr<Hash> long_hex = HashFromHex(std::string(66, 'a'), "event.digest");
  ASSERT_FALSE(long_hex.ok());
  EXPECT_THAT(long_hex.status().message(), AllOf(HasSubstr("event.digest"), HasSubstr("66")));

  std::string not_hex(64, 'a');
  not_hex[10] = 'g';
  absl::StatusOr<Hash> bad = HashFromHex(not_hex, "event.digest");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("event.digest"));
}

TEST(HashTest, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace lineage
