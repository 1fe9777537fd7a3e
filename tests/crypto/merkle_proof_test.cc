// Proof building (crypto/merkle_proof.h) against the published vectors and
// every derived proof of the 8-leaf tree.
#include "crypto/merkle_proof.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "crypto/merkle_hash.h"
#include "gtest/gtest.h"
#include "tests/crypto/memory_tree.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

// "a/b" -> {a, b}.
bool ParsePair(const std::string& key, uint64_t& a, uint64_t& b) {
  std::vector<std::string> parts = absl::StrSplit(key, '/');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], &a) && absl::SimpleAtoi(parts[1], &b);
}

std::vector<std::string> ListToHex(const google::protobuf::ListValue& list) {
  std::vector<std::string> out;
  for (const google::protobuf::Value& v : list.values()) out.push_back(v.string_value());
  return out;
}

class MerkleProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const std::string& leaf : VectorLeaves()) tree_.Append(HashLeaf(leaf));
    ASSERT_EQ(tree_.size(), 8u);
  }

  std::vector<std::string> Inclusion(uint64_t index, uint64_t size) {
    absl::StatusOr<std::vector<Hash>> proof =
        BuildInclusionProof(index, size, tree_.ReaderAt(size));
    EXPECT_TRUE(proof.ok()) << proof.status();
    return proof.ok() ? HashesToHex(*proof) : std::vector<std::string>{"<error>"};
  }

  std::vector<std::string> Consistency(uint64_t size1, uint64_t size2) {
    absl::StatusOr<std::vector<Hash>> proof =
        BuildConsistencyProof(size1, size2, tree_.ReaderAt(size2));
    EXPECT_TRUE(proof.ok()) << proof.status();
    return proof.ok() ? HashesToHex(*proof) : std::vector<std::string>{"<error>"};
  }

  MemoryTree tree_;
};

TEST_F(MerkleProofTest, ComputeRootAtMatchesVectorRoots) {
  for (uint64_t size = 0; size <= 8; ++size) {
    absl::StatusOr<Hash> root = ComputeRootAt(size, tree_.ReaderAt(size));
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(HashToHex(*root), HashToHex(VectorRoot(size))) << "size " << size;
  }
}

TEST_F(MerkleProofTest, InclusionProofsMatchUpstreamVectors) {
  const auto& vectors = Vectors().inclusion_proofs().vectors();
  ASSERT_EQ(vectors.size(), 5);
  for (const auto& v : vectors) {
    EXPECT_EQ(Inclusion(v.leaf_index(), v.tree_size()),
              std::vector<std::string>(v.proof().begin(), v.proof().end()))
        << "leaf " << v.leaf_index() << " in size " << v.tree_size();
  }
}

TEST_F(MerkleProofTest, ConsistencyProofsMatchUpstreamVectors) {
  const auto& vectors = Vectors().consistency_proofs().vectors();
  ASSERT_EQ(vectors.size(), 5);
  for (const auto& v : vectors) {
    EXPECT_EQ(Consistency(v.size1(), v.size2()),
              std::vector<std::string>(v.proof().begin(), v.proof().end()))
        << v.size1() << " -> " << v.size2();
  }
}

TEST_F(MerkleProofTest, EveryInclusionProofMatchesDerivedVectors) {
  const auto& all = Vectors().derived_all_proofs().inclusion();
  ASSERT_EQ(all.size(), 36u);  // Every (index, size) with index < size <= 8.
  for (const auto& [key, list] : all) {
    uint64_t index = 0, size = 0;
    ASSERT_TRUE(ParsePair(key, index, size)) << key;
    EXPECT_EQ(Inclusion(index, size), ListToHex(list)) << key;
  }
}

TEST_F(MerkleProofTest, EveryConsistencyProofMatchesDerivedVectors) {
  const auto& all = Vectors().derived_all_proofs().consistency();
  ASSERT_EQ(all.size(), 36u);  // Every 1 <= size1 <= size2 <= 8.
  for (const auto& [key, list] : all) {
    uint64_t size1 = 0, size2 = 0;
    ASSERT_TRUE(ParsePair(key, size1, size2)) << key;
    EXPECT_EQ(Consistency(size1, size2), ListToHex(list)) << key;
  }
}

TEST_F(MerkleProofTest, InclusionRejectsIndexOutsideTree) {
  EXPECT_EQ(BuildInclusionProof(8, 8, tree_.ReaderAt(8)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildInclusionProof(0, 0, tree_.ReaderAt(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildInclusionProof(~uint64_t{0}, 8, tree_.ReaderAt(8)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MerkleProofTest, ConsistencyRejectsZeroAndShrinkingSizes) {
  EXPECT_EQ(BuildConsistencyProof(0, 8, tree_.ReaderAt(8)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildConsistencyProof(0, 0, tree_.ReaderAt(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildConsistencyProof(5, 4, tree_.ReaderAt(5)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MerkleProofTest, ReaderErrorsPassThroughUnchanged) {
  auto failing = [](int, uint64_t) -> absl::StatusOr<Hash> {
    return absl::DataLossError("node 7 is corrupt");
  };
  for (const absl::Status& status :
       {ComputeRootAt(5, failing).status(), BuildInclusionProof(2, 5, failing).status(),
        BuildConsistencyProof(3, 5, failing).status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(status.message(), "node 7 is corrupt");
  }
}

}  // namespace
}  // namespace lineage
