// Proof verification (crypto/merkle_verify.h) against the published vectors
// and every transparency-dev/merkle probe, including the edge cases.
#include "crypto/merkle_verify.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crypto/merkle_hash.h"
#include "gtest/gtest.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

// Upstream probes use the 12-byte ASCII strings "don't care 1" and
// "don't care 2" where any value will do (the comment of `probes` in the
// vectors file). A Hash cannot hold 12 bytes, so each placeholder stands for
// one fixed 32-byte value: equal placeholders stay equal, different ones
// differ, and neither equals a real root. Every other value of the wrong
// length must be refused by HashFromBytes, which makes the probe invalid.
std::optional<Hash> ProbeHash(const std::string& hex, const std::string& what) {
  const std::string bytes = MustHexToBytes(hex);
  if (bytes == "don't care 1" || bytes == "don't care 2") {
    return Sha256(absl::StrCat("placeholder: ", bytes));
  }
  absl::StatusOr<Hash> hash = HashFromBytes(bytes, what);
  if (!hash.ok()) return std::nullopt;
  return *hash;
}

std::optional<std::vector<Hash>> ProbeProof(
    const google::protobuf::RepeatedPtrField<std::string>& proof) {
  std::vector<Hash> out;
  for (int i = 0; i < proof.size(); ++i) {
    std::optional<Hash> h = ProbeHash(proof[i], absl::StrCat("proof[", i, "]"));
    if (!h.has_value()) return std::nullopt;
    out.push_back(*h);
  }
  return out;
}

// Whether the inclusion probe verifies, and the status if it got that far.
bool InclusionProbeVerifies(const testing::InclusionProbe& p, absl::Status* status) {
  std::optional<Hash> root = ProbeHash(p.root(), "root");
  std::optional<Hash> leaf = ProbeHash(p.leaf_hash(), "leaf_hash");
  std::optional<std::vector<Hash>> proof = ProbeProof(p.proof());
  if (!root || !leaf || !proof) return false;
  *status = VerifyInclusion(p.leaf_index(), p.tree_size(), *leaf, *proof, *root);
  return status->ok();
}

bool ConsistencyProbeVerifies(const testing::ConsistencyProbe& p, absl::Status* status) {
  std::optional<Hash> root1 = ProbeHash(p.root1(), "root1");
  std::optional<Hash> root2 = ProbeHash(p.root2(), "root2");
  std::optional<std::vector<Hash>> proof = ProbeProof(p.proof());
  if (!root1 || !root2 || !proof) return false;
  *status = VerifyConsistency(p.size1(), p.size2(), *proof, *root1, *root2);
  return status->ok();
}

bool ParsePair(const std::string& key, uint64_t& a, uint64_t& b) {
  std::vector<std::string> parts = absl::StrSplit(key, '/');
  return parts.size() == 2 && absl::SimpleAtoi(parts[0], &a) && absl::SimpleAtoi(parts[1], &b);
}

std::vector<Hash> ListToHashes(const google::protobuf::ListValue& list) {
  std::vector<Hash> out;
  for (const google::protobuf::Value& v : list.values()) out.push_back(MustHash(v.string_value()));
  return out;
}

Hash LeafHashAt(uint64_t index) { return MustHash(Vectors().node_hashes().level0(index)); }

TEST(MerkleVerifyTest, UpstreamInclusionVectorsVerify) {
  for (const auto& v : Vectors().inclusion_proofs().vectors()) {
    EXPECT_TRUE(VerifyInclusion(v.leaf_index(), v.tree_size(), LeafHashAt(v.leaf_index()),
                                MustHashes(v.proof()), VectorRoot(v.tree_size()))
                    .ok())
        << "leaf " << v.leaf_index() << " in size " << v.tree_size();
  }
}

TEST(MerkleVerifyTest, UpstreamConsistencyVectorsVerify) {
  for (const auto& v : Vectors().consistency_proofs().vectors()) {
    absl::Status s = VerifyConsistency(v.size1(), v.size2(), MustHashes(v.proof()),
                                       VectorRoot(v.size1()), VectorRoot(v.size2()));
    EXPECT_TRUE(s.ok()) << v.size1() << " -> " << v.size2() << ": " << s;
  }
}

TEST(MerkleVerifyTest, EveryDerivedInclusionProofVerifies) {
  for (const auto& [key, list] : Vectors().derived_all_proofs().inclusion()) {
    uint64_t index = 0, size = 0;
    ASSERT_TRUE(ParsePair(key, index, size)) << key;
    const std::vector<Hash> proof = ListToHashes(list);
    absl::StatusOr<Hash> root = RootFromInclusionProof(index, size, LeafHashAt(index), proof);
    ASSERT_TRUE(root.ok()) << key << ": " << root.status();
    EXPECT_EQ(HashToHex(*root), HashToHex(VectorRoot(size))) << key;
    absl::Status s = VerifyInclusion(index, size, LeafHashAt(index), proof, VectorRoot(size));
    EXPECT_TRUE(s.ok()) << key << ": " << s;
  }
}

TEST(MerkleVerifyTest, EveryDerivedConsistencyProofVerifies) {
  for (const auto& [key, list] : Vectors().derived_all_proofs().consistency()) {
    uint64_t size1 = 0, size2 = 0;
    ASSERT_TRUE(ParsePair(key, size1, size2)) << key;
    absl::Status s =
        VerifyConsistency(size1, size2, ListToHashes(list), VectorRoot(size1), VectorRoot(size2));
    EXPECT_TRUE(s.ok()) << key << ": " << s;
  }
}

TEST(MerkleVerifyTest, EveryInclusionProbeGivesItsExpectedVerdict) {
  const auto& probes = Vectors().probes().inclusion();
  ASSERT_EQ(probes.size(), 98);
  int edge_cases = 0;
  for (const auto& p : probes) {
    absl::Status status = absl::UnknownError("not verified: a hash is not 32 bytes");
    EXPECT_EQ(InclusionProbeVerifies(p, &status), p.want_valid())
        << p.file() << " (" << p.desc() << "): " << status;
    edge_cases += p.edge_case();
  }
  EXPECT_GT(edge_cases, 0);
}

TEST(MerkleVerifyTest, EveryConsistencyProbeGivesItsExpectedVerdict) {
  const auto& probes = Vectors().probes().consistency();
  ASSERT_EQ(probes.size(), 98);
  int edge_cases = 0;
  for (const auto& p : probes) {
    absl::Status status = absl::UnknownError("not verified: a hash is not 32 bytes");
    EXPECT_EQ(ConsistencyProbeVerifies(p, &status), p.want_valid())
        << p.file() << " (" << p.desc() << "): " << status;
    edge_cases += p.edge_case();
  }
  EXPECT_GT(edge_cases, 0);
}

TEST(MerkleVerifyTest, InclusionStatusCodesSayWhatFailed) {
  const auto& v = Vectors().inclusion_proofs().vectors(2);  // Leaf 5 in size 8.
  ASSERT_EQ(v.leaf_index(), 5u);
  std::vector<Hash> proof = MustHashes(v.proof());
  const Hash leaf = LeafHashAt(5);
  const Hash root = VectorRoot(8);

  EXPECT_EQ(VerifyInclusion(8, 8, leaf, proof, root).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(0, 0, leaf, {}, root).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(5, 8, leaf, proof, VectorRoot(7)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifyInclusion(5, 8, LeafHashAt(4), proof, root).code(),
            absl::StatusCode::kFailedPrecondition);

  std::vector<Hash> longer = proof;
  longer.push_back(root);
  EXPECT_EQ(VerifyInclusion(5, 8, leaf, longer, root).code(), absl::StatusCode::kInvalidArgument);
  std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
  EXPECT_EQ(VerifyInclusion(5, 8, leaf, shorter, root).code(), absl::StatusCode::kInvalidArgument);
}

TEST(MerkleVerifyTest, ConsistencyStatusCodesSayWhatFailed) {
  const auto& v = Vectors().consistency_proofs().vectors(2);  // 6 -> 8.
  ASSERT_EQ(v.size1(), 6u);
  ASSERT_EQ(v.size2(), 8u);
  std::vector<Hash> proof = MustHashes(v.proof());
  const Hash root6 = VectorRoot(6);
  const Hash root8 = VectorRoot(8);

  EXPECT_TRUE(VerifyConsistency(6, 8, proof, root6, root8).ok());
  EXPECT_EQ(VerifyConsistency(0, 8, proof, root6, root8).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(8, 6, proof, root6, root8).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(6, 8, {}, root6, root8).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(8, 8, proof, root8, root8).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(6, 8, proof, VectorRoot(5), root8).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifyConsistency(6, 8, proof, root6, VectorRoot(7)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifyConsistency(8, 8, {}, root8, root6).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(VerifyConsistency(8, 8, {}, root8, root8).ok());
}

}  // namespace
}  // namespace lineage
