// The fast Merkle code (frontier, proof building, verification) against the
// naive RFC 6962 reference tree in reference_tree.h, on a random log of
// kMaxSize leaves: every size up to kSmallSize exhaustively, then sampled
// sizes, indices and size pairs, all from a fixed seed.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/merkle_frontier.h"
#include "crypto/merkle_hash.h"
#include "crypto/merkle_proof.h"
#include "crypto/merkle_verify.h"
#include "gtest/gtest.h"
#include "tests/crypto/memory_tree.h"
#include "tests/crypto/reference_tree.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

constexpr uint64_t kMaxSize = 3000;
constexpr uint64_t kSmallSize = 64;
constexpr uint32_t kSeed = 6962;

// A log of kMaxSize random leaves of random length (0..64 bytes), its
// MemoryTree, and the frontier root after every append.
struct RandomLog {
  RandomLog() {
    std::mt19937 rng(kSeed);
    std::uniform_int_distribution<int> length(0, 64);
    std::uniform_int_distribution<int> byte(0, 255);
    roots.push_back(tree.frontier().Root());
    for (uint64_t i = 0; i < kMaxSize; ++i) {
      std::string leaf(length(rng), '\0');
      for (char& c : leaf) c = static_cast<char>(byte(rng));
      leaves.push_back(leaf);
      tree.Append(HashLeaf(leaf));
      roots.push_back(tree.frontier().Root());
    }
  }
  absl::Span<const std::string> Prefix(uint64_t size) const {
    return absl::MakeConstSpan(leaves).subspan(0, size);
  }
  std::vector<std::string> leaves;
  MemoryTree tree;
  std::vector<Hash> roots;  // roots[n]: frontier root at size n.
};

const RandomLog& Log() {
  static const RandomLog* log = new RandomLog();
  return *log;
}

// Sizes beyond kSmallSize: the edges around powers of two, the largest, and
// random ones.
std::vector<uint64_t> SampledSizes(std::mt19937& rng) {
  std::vector<uint64_t> sizes = {63,  64,  65,   127,  128,  129,  255,  256,  257,     511,
                                 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, kMaxSize};
  std::uniform_int_distribution<uint64_t> any(kSmallSize + 1, kMaxSize);
  for (int i = 0; i < 40; ++i) sizes.push_back(any(rng));
  return sizes;
}

// A few values in [lo, hi]: both ends, the middle, and `random` random ones.
std::vector<uint64_t> Sample(uint64_t lo, uint64_t hi, int random, std::mt19937& rng) {
  std::vector<uint64_t> out = {lo, hi, lo + (hi - lo) / 2};
  std::uniform_int_distribution<uint64_t> any(lo, hi);
  for (int i = 0; i < random; ++i) out.push_back(any(rng));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Hash FlipBit(Hash h, std::mt19937& rng) {
  std::uniform_int_distribution<int> bit(0, 8 * kHashSize - 1);
  const int b = bit(rng);
  h[b / 8] ^= static_cast<uint8_t>(1u << (b % 8));
  return h;
}

Hash RandomHash(std::mt19937& rng) { return Sha256(absl::StrCat("random ", rng())); }

// One statement "proof shows leaf at index in the tree of size with root".
struct InclusionCase {
  std::string what;
  uint64_t index;
  uint64_t size;
  Hash leaf;
  std::vector<Hash> proof;
  Hash root;
  bool must_fail;  // False: only agreement with the reference is required.
};

// Mutants of a valid inclusion statement. Changing the size while keeping
// the root is not always detectable: RFC 9162 verification binds the size
// only through the shape of the path, and e.g. leaf 0 has the same path
// shape in trees of 5 and 6 leaves. (A checkpoint signs size and root
// together.) Those mutants only need to agree with the reference.
std::vector<InclusionCase> InclusionMutants(const InclusionCase& good, std::mt19937& rng) {
  const RandomLog& log = Log();
  std::vector<InclusionCase> out;
  auto add = [&](std::string what, bool must_fail) {
    out.push_back(good);
    out.back().what = std::move(what);
    out.back().must_fail = must_fail;
    return &out.back();
  };
  for (size_t j = 0; j < good.proof.size(); ++j) {
    InclusionCase* c = add(absl::StrCat("bit flipped in proof[", j, "]"), true);
    c->proof[j] = FlipBit(c->proof[j], rng);
    c = add(absl::StrCat("proof[", j, "] dropped"), true);
    c->proof.erase(c->proof.begin() + j);
  }
  std::uniform_int_distribution<size_t> position(0, good.proof.size());
  for (size_t at : {size_t{0}, good.proof.size(), position(rng)}) {
    InclusionCase* c = add(absl::StrCat("hash inserted at ", at), true);
    c->proof.insert(c->proof.begin() + at, RandomHash(rng));
  }
  add("index + 1", true)->index = good.index + 1;
  add("index - 1", true)->index = good.index - 1;  // Wraps to 2^64 - 1 from 0.
  add("size + 1, same root", false)->size = good.size + 1;
  add("size - 1, same root", false)->size = good.size - 1;
  if (good.size + 1 <= kMaxSize) {
    InclusionCase* c = add("size + 1 with its root", true);
    c->size = good.size + 1;
    c->root = log.roots[good.size + 1];
  }
  InclusionCase* c = add("size - 1 with its root", true);
  c->size = good.size - 1;
  c->root = log.roots[good.size - 1];
  add("bit flipped in leaf", true)->leaf = FlipBit(good.leaf, rng);
  add("bit flipped in root", true)->root = FlipBit(good.root, rng);
  return out;
}

struct ConsistencyCase {
  std::string what;
  uint64_t size1;
  uint64_t size2;
  std::vector<Hash> proof;
  Hash root1;
  Hash root2;
  bool must_fail;
};

// Mutants of a valid consistency statement; same caveat on sizes as above.
std::vector<ConsistencyCase> ConsistencyMutants(const ConsistencyCase& good, std::mt19937& rng) {
  const RandomLog& log = Log();
  std::vector<ConsistencyCase> out;
  auto add = [&](std::string what, bool must_fail) {
    out.push_back(good);
    out.back().what = std::move(what);
    out.back().must_fail = must_fail;
    return &out.back();
  };
  for (size_t j = 0; j < good.proof.size(); ++j) {
    ConsistencyCase* c = add(absl::StrCat("bit flipped in proof[", j, "]"), true);
    c->proof[j] = FlipBit(c->proof[j], rng);
    c = add(absl::StrCat("proof[", j, "] dropped"), true);
    c->proof.erase(c->proof.begin() + j);
  }
  std::uniform_int_distribution<size_t> position(0, good.proof.size());
  for (size_t at : {size_t{0}, good.proof.size(), position(rng)}) {
    ConsistencyCase* c = add(absl::StrCat("hash inserted at ", at), true);
    c->proof.insert(c->proof.begin() + at, RandomHash(rng));
  }
  for (int delta : {-1, 1}) {
    const uint64_t size1 = good.size1 + delta;
    const uint64_t size2 = good.size2 + delta;
    add(absl::StrCat("size1 ", delta, ", same roots"), false)->size1 = size1;
    add(absl::StrCat("size2 ", delta, ", same roots"), false)->size2 = size2;
    if (size1 <= kMaxSize) {
      ConsistencyCase* c = add(absl::StrCat("size1 ", delta, " with its root"), true);
      c->size1 = size1;
      c->root1 = log.roots[size1];
    }
    if (size2 <= kMaxSize) {
      ConsistencyCase* c = add(absl::StrCat("size2 ", delta, " with its root"), true);
      c->size2 = size2;
      c->root2 = log.roots[size2];
    }
  }
  add("bit flipped in root1", true)->root1 = FlipBit(good.root1, rng);
  add("bit flipped in root2", true)->root2 = FlipBit(good.root2, rng);
  add("roots swapped", good.root1 != good.root2)->root1 = good.root2;
  out.back().root2 = good.root1;
  return out;
}

class MerkleReferenceTest : public ::testing::Test {
 protected:
  // Builds PATH(index, D[size]) with the fast code, checks it against the
  // reference and that it verifies, then checks every mutant.
  void CheckInclusion(uint64_t index, uint64_t size) {
    const RandomLog& log = Log();
    const std::vector<Hash> want = ReferencePath(index, log.Prefix(size));
    absl::StatusOr<std::vector<Hash>> got =
        BuildInclusionProof(index, size, log.tree.ReaderAt(size));
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(HashesToHex(*got), HashesToHex(want)) << "leaf " << index << " in size " << size;

    const InclusionCase good{"valid", index,           size, HashLeaf(log.leaves[index]),
                             *got,    log.roots[size], false};
    ASSERT_EQ(ReferenceRootFromPath(index, size, good.leaf, good.proof), good.root);
    absl::Status status = VerifyInclusion(index, size, good.leaf, good.proof, good.root);
    ASSERT_TRUE(status.ok()) << "leaf " << index << " in size " << size << ": " << status;

    for (const InclusionCase& c : InclusionMutants(good, rng_)) {
      const bool fast = VerifyInclusion(c.index, c.size, c.leaf, c.proof, c.root).ok();
      const bool reference =
          ReferenceRootFromPath(c.index, c.size, c.leaf, c.proof) == std::optional<Hash>(c.root);
      EXPECT_EQ(fast, reference) << "leaf " << index << " in size " << size << ", " << c.what;
      if (c.must_fail) {
        EXPECT_FALSE(fast) << "leaf " << index << " in size " << size << ", " << c.what;
      }
    }
  }

  void CheckConsistency(uint64_t size1, uint64_t size2) {
    const RandomLog& log = Log();
    const std::vector<Hash> want = ReferenceProof(size1, log.Prefix(size2));
    absl::StatusOr<std::vector<Hash>> got =
        BuildConsistencyProof(size1, size2, log.tree.ReaderAt(size2));
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(HashesToHex(*got), HashesToHex(want)) << size1 << " -> " << size2;

    const ConsistencyCase good{"valid",          size1, size2, *got, log.roots[size1],
                               log.roots[size2], false};
    ASSERT_TRUE(ReferenceVerifyConsistency(size1, size2, good.proof, good.root1, good.root2));
    absl::Status status = VerifyConsistency(size1, size2, good.proof, good.root1, good.root2);
    ASSERT_TRUE(status.ok()) << size1 << " -> " << size2 << ": " << status;

    for (const ConsistencyCase& c : ConsistencyMutants(good, rng_)) {
      const bool fast = VerifyConsistency(c.size1, c.size2, c.proof, c.root1, c.root2).ok();
      const bool reference =
          ReferenceVerifyConsistency(c.size1, c.size2, c.proof, c.root1, c.root2);
      EXPECT_EQ(fast, reference) << size1 << " -> " << size2 << ", " << c.what;
      if (c.must_fail) {
        EXPECT_FALSE(fast) << size1 << " -> " << size2 << ", " << c.what;
      }
    }
  }

  std::mt19937 rng_{kSeed};
};

TEST_F(MerkleReferenceTest, FrontierRootEqualsComputeRootAtEverySize) {
  const RandomLog& log = Log();
  for (uint64_t size = 0; size <= kMaxSize; ++size) {
    absl::StatusOr<Hash> root = ComputeRootAt(size, log.tree.ReaderAt(size));
    ASSERT_TRUE(root.ok()) << root.status();
    ASSERT_EQ(HashToHex(*root), HashToHex(log.roots[size])) << "size " << size;
  }
}

TEST_F(MerkleReferenceTest, RootsMatchReference) {
  const RandomLog& log = Log();
  std::vector<uint64_t> sizes;
  for (uint64_t size = 0; size <= kSmallSize; ++size) sizes.push_back(size);
  for (uint64_t size : SampledSizes(rng_)) sizes.push_back(size);
  for (uint64_t size : sizes) {
    const Hash want = ReferenceRoot(log.Prefix(size));
    EXPECT_EQ(HashToHex(log.roots[size]), HashToHex(want)) << "size " << size;
    // A frontier reloaded from stored nodes agrees too.
    std::vector<Hash> subtrees;
    for (const NodeAddress& a : FrontierAddresses(size)) {
      absl::StatusOr<Hash> h = log.tree.Read(size, a.level, a.index);
      ASSERT_TRUE(h.ok()) << h.status();
      subtrees.push_back(*h);
    }
    absl::StatusOr<MerkleFrontier> frontier = MerkleFrontier::FromSubtrees(size, subtrees);
    ASSERT_TRUE(frontier.ok()) << frontier.status();
    EXPECT_EQ(HashToHex(frontier->Root()), HashToHex(want)) << "size " << size;
  }
}

TEST_F(MerkleReferenceTest, EveryInclusionProofOfSmallTreesMatchesReference) {
  for (uint64_t size = 1; size <= kSmallSize; ++size) {
    for (uint64_t index = 0; index < size; ++index) CheckInclusion(index, size);
  }
}

TEST_F(MerkleReferenceTest, SampledInclusionProofsOfLargeTreesMatchReference) {
  for (uint64_t size : SampledSizes(rng_)) {
    for (uint64_t index : Sample(0, size - 1, 12, rng_)) CheckInclusion(index, size);
  }
}

TEST_F(MerkleReferenceTest, EveryConsistencyProofOfSmallTreesMatchesReference) {
  for (uint64_t size2 = 1; size2 <= kSmallSize; ++size2) {
    for (uint64_t size1 = 1; size1 <= size2; ++size1) CheckConsistency(size1, size2);
  }
}

TEST_F(MerkleReferenceTest, SampledConsistencyProofsOfLargeTreesMatchReference) {
  for (uint64_t size2 : SampledSizes(rng_)) {
    std::vector<uint64_t> sizes1 = Sample(1, size2, 12, rng_);
    sizes1.push_back(LargestPowerOfTwoBelow(size2));
    sizes1.push_back(size2 - 1);
    for (uint64_t size1 : sizes1) CheckConsistency(size1, size2);
  }
}

// The reference itself against the published 8-leaf tree, so that it cannot
// agree with the fast code by sharing a mistake.
TEST_F(MerkleReferenceTest, ReferenceTreeReproducesPublishedVectors) {
  const std::vector<std::string> leaves = VectorLeaves();
  for (uint64_t size = 0; size <= leaves.size(); ++size) {
    EXPECT_EQ(HashToHex(ReferenceRoot(absl::MakeConstSpan(leaves).subspan(0, size))),
              HashToHex(VectorRoot(size)))
        << "size " << size;
  }
  for (const auto& v : Vectors().inclusion_proofs().vectors()) {
    EXPECT_EQ(HashesToHex(ReferencePath(v.leaf_index(),
                                        absl::MakeConstSpan(leaves).subspan(0, v.tree_size()))),
              std::vector<std::string>(v.proof().begin(), v.proof().end()))
        << "leaf " << v.leaf_index() << " in size " << v.tree_size();
  }
  for (const auto& v : Vectors().consistency_proofs().vectors()) {
    EXPECT_EQ(
        HashesToHex(ReferenceProof(v.size1(), absl::MakeConstSpan(leaves).subspan(0, v.size2()))),
        std::vector<std::string>(v.proof().begin(), v.proof().end()))
        << v.size1() << " -> " << v.size2();
  }
}

}  // namespace
}  // namespace lineage
