// proof_fuzzer: RFC 9162 inclusion and consistency proofs, built and
// verified by crypto/ and cross-checked against the naive reference tree of
// tests/crypto/reference_tree.h, which shares no code with it.
//
// The low bit of the first byte picks the mode:
//   0  free: the rest is index, size, size1, size2 (u64 BE each), a leaf
//      hash, root1, root2 (32 bytes each), then proof hashes (32 bytes
//      each). Any uint64 goes, 2^64-1 included. crypto/ and the reference
//      must agree on accept/refuse and on the root, and an accepted proof
//      must have transparency-dev's length for its (index, size).
//   1  tree: a real tree of 1..257 leaves built with MerkleFrontier into a
//      node map. Built proofs must equal the reference's and verify; then
//      one fuzzer-chosen mutation (flip, drop, insert, duplicate, swap or
//      replace a hash, change the leaf hash, root or index) must make
//      verification fail unless it changed nothing.
// Any disagreement aborts.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "crypto/merkle_frontier.h"
#include "crypto/merkle_hash.h"
#include "crypto/merkle_proof.h"
#include "crypto/merkle_verify.h"
#include "tests/crypto/reference_tree.h"
#include "tests/fuzz/fuzz_check.h"

namespace lineage::fuzz {
namespace {

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kMismatch = absl::StatusCode::kFailedPrecondition;

Hash ReadHash(ByteReader& in) {
  Hash h{};
  const std::string bytes = in.Bytes(kHashSize);
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

// transparency-dev/merkle proof.decompInclProof: the inclusion proof of
// `index` in a tree of `size` has inner + border hashes.
std::pair<uint64_t, uint64_t> DecomposeInclusion(uint64_t index, uint64_t size) {
  const uint64_t inner = std::bit_width(index ^ (size - 1));
  const uint64_t border = std::popcount(inner >= 64 ? 0 : index >> inner);
  return {inner, border};
}

uint64_t InclusionLength(uint64_t index, uint64_t size) {
  auto [inner, border] = DecomposeInclusion(index, size);
  return inner + border;
}

// transparency-dev/merkle proof.VerifyConsistency's expected length, for
// 0 < size1 < size2.
uint64_t ConsistencyLength(uint64_t size1, uint64_t size2) {
  const int level = std::countr_zero(size1);
  const uint64_t index = (size1 - 1) >> level;
  auto [inner, border] = DecomposeInclusion(index, ((size2 - 1) >> level) + 1);
  return (index == 0 ? 0 : 1) + inner + border;
}

void FreeMode(ByteReader& in) {
  const uint64_t index = in.U64();
  const uint64_t size = in.U64();
  const uint64_t size1 = in.U64();
  const uint64_t size2 = in.U64();
  const Hash leaf = ReadHash(in);
  const Hash root1 = ReadHash(in);
  const Hash root2 = ReadHash(in);
  std::vector<Hash> proof;
  while (in.remaining() >= kHashSize) proof.push_back(ReadHash(in));

  absl::StatusOr<Hash> root = RootFromInclusionProof(index, size, leaf, proof);
  FUZZ_CHECK_CODE(root.status(), kInvalid);
  const std::optional<Hash> reference = ReferenceRootFromPath(index, size, leaf, proof);
  FUZZ_CHECK(root.ok() == reference.has_value());
  if (root.ok()) {
    FUZZ_CHECK(*root == *reference);
    FUZZ_CHECK(proof.size() == InclusionLength(index, size));
  } else if (index < size) {
    FUZZ_CHECK(proof.size() != InclusionLength(index, size));
  }
  const absl::Status included = VerifyInclusion(index, size, leaf, proof, root1);
  Report("VerifyInclusion", included);
  FUZZ_CHECK_CODE(included, kInvalid, kMismatch);
  FUZZ_CHECK(included.ok() == (root.ok() && *root == root1));

  const absl::Status consistent = VerifyConsistency(size1, size2, proof, root1, root2);
  Report("VerifyConsistency", consistent);
  FUZZ_CHECK_CODE(consistent, kInvalid, kMismatch);
  FUZZ_CHECK(consistent.ok() == ReferenceVerifyConsistency(size1, size2, proof, root1, root2));
  if (consistent.ok() && size1 < size2) {
    FUZZ_CHECK(proof.size() == ConsistencyLength(size1, size2));
  }
}

// A real tree: leaf data, leaf hashes, every complete subtree hash the
// frontier reported, and the root after each append.
struct Tree {
  std::vector<std::string> leaves;
  std::vector<Hash> leaf_hashes;
  std::map<std::pair<int, uint64_t>, Hash> nodes;
  std::vector<Hash> roots;  // roots[s]: the root of the first s leaves.

  Tree(uint64_t n, uint8_t salt) {
    MerkleFrontier frontier;
    roots.push_back(frontier.Root());
    for (uint64_t i = 0; i < n; ++i) {
      std::string leaf(1, static_cast<char>(salt));
      for (int b = 7; b >= 0; --b) leaf.push_back(static_cast<char>(i >> (8 * b)));
      leaves.push_back(leaf);
      leaf_hashes.push_back(HashLeaf(leaf));
      frontier.Append(leaf_hashes.back(), [&](int level, uint64_t index, const Hash& h) {
        FUZZ_CHECK(nodes.emplace(std::make_pair(level, index), h).second);  // Reported once.
      });
      roots.push_back(frontier.Root());
    }
  }

  // The NodeReader for a tree of `size` leaves, enforcing merkle_proof.h's
  // contract: every node asked for lies wholly inside the first `size`.
  auto ReaderAt(uint64_t size) const {
    return [this, size](int level, uint64_t index) -> absl::StatusOr<Hash> {
      FUZZ_CHECK(level >= 0 && level < 64 && index < (size >> level));
      auto it = nodes.find({level, index});
      FUZZ_CHECK(it != nodes.end());
      return it->second;
    };
  }

  absl::Span<const std::string> Prefix(uint64_t size) const {
    return absl::MakeConstSpan(leaves).subspan(0, size);
  }
};

enum Op : uint8_t { kFlip, kDrop, kInsert, kDuplicate, kSwap, kReplace, kLeafOrOld, kRoot, kIndex, kOps };

// Applies `op` to `proof`; returns false if the op does not apply.
bool MutateProof(Op op, ByteReader& in, std::vector<Hash>& proof) {
  const size_t pos = proof.empty() ? 0 : in.U8() % proof.size();
  switch (op) {
    case kFlip: {
      if (proof.empty()) return false;
      const uint8_t bit = in.U8();
      proof[pos][(bit >> 3) % kHashSize] ^= static_cast<uint8_t>(1u << (bit & 7));
      return true;
    }
    case kDrop:
      if (proof.empty()) return false;
      proof.erase(proof.begin() + pos);
      return true;
    case kInsert:
      proof.insert(proof.begin() + (proof.empty() ? 0 : in.U8() % (proof.size() + 1)),
                   ReadHash(in));
      return true;
    case kDuplicate:
      if (proof.empty()) return false;
      proof.insert(proof.begin() + pos, proof[pos]);
      return true;
    case kSwap: {
      if (proof.empty()) return false;
      std::swap(proof[pos], proof[in.U8() % proof.size()]);
      return true;
    }
    case kReplace:
      if (proof.empty()) return false;
      proof[pos] = ReadHash(in);
      return true;
    default:
      return false;
  }
}

void FlipBit(Hash& h, uint8_t bit) { h[(bit >> 3) % kHashSize] ^= static_cast<uint8_t>(1u << (bit & 7)); }

void TreeMode(ByteReader& in) {
  const uint64_t n = 1 + in.U16() % 257;
  const Tree tree(n, in.U8());
  const uint64_t m = 1 + in.U16() % n;
  const uint64_t index = in.U16() % m;
  const uint64_t size2 = 1 + in.U16() % n;
  const uint64_t size1 = 1 + in.U16() % size2;

  for (uint64_t s : {m, size1, size2}) {
    FUZZ_CHECK(tree.roots[s] == ReferenceRoot(tree.Prefix(s)));
    absl::StatusOr<Hash> computed = ComputeRootAt(s, tree.ReaderAt(s));
    FUZZ_CHECK(computed.ok() && *computed == tree.roots[s]);
  }

  absl::StatusOr<std::vector<Hash>> inclusion = BuildInclusionProof(index, m, tree.ReaderAt(m));
  FUZZ_CHECK(inclusion.ok());
  FUZZ_CHECK(*inclusion == ReferencePath(index, tree.Prefix(m)));
  FUZZ_CHECK(VerifyInclusion(index, m, tree.leaf_hashes[index], *inclusion, tree.roots[m]).ok());

  absl::StatusOr<std::vector<Hash>> consistency =
      BuildConsistencyProof(size1, size2, tree.ReaderAt(size2));
  FUZZ_CHECK(consistency.ok());
  FUZZ_CHECK(*consistency == ReferenceProof(size1, tree.Prefix(size2)));
  FUZZ_CHECK(VerifyConsistency(size1, size2, *consistency, tree.roots[size1], tree.roots[size2]).ok());

  // One mutation, of the inclusion or the consistency proof.
  const uint8_t choice = in.U8();
  const Op op = static_cast<Op>((choice >> 1) % kOps);
  if ((choice & 1) == 0) {
    std::vector<Hash> proof = *inclusion;
    Hash leaf = tree.leaf_hashes[index];
    Hash root = tree.roots[m];
    uint64_t mutated_index = index;
    if (op == kLeafOrOld) {
      FlipBit(leaf, in.U8());
    } else if (op == kRoot) {
      FlipBit(root, in.U8());
    } else if (op == kIndex) {
      mutated_index = in.U16() % m;
    } else if (!MutateProof(op, in, proof)) {
      return;
    }
    const bool same = proof == *inclusion && leaf == tree.leaf_hashes[index] &&
                      root == tree.roots[m] && mutated_index == index;
    const absl::Status status = VerifyInclusion(mutated_index, m, leaf, proof, root);
    FUZZ_CHECK(status.ok() == same);
    const std::optional<Hash> reference = ReferenceRootFromPath(mutated_index, m, leaf, proof);
    FUZZ_CHECK((reference.has_value() && *reference == root) == same);
  } else {
    std::vector<Hash> proof = *consistency;
    Hash root1 = tree.roots[size1];
    Hash root2 = tree.roots[size2];
    if (op == kLeafOrOld) {
      FlipBit(root1, in.U8());
    } else if (op == kRoot) {
      FlipBit(root2, in.U8());
    } else if (op == kIndex) {
      std::swap(root1, root2);
    } else if (!MutateProof(op, in, proof)) {
      return;
    }
    const bool same =
        proof == *consistency && root1 == tree.roots[size1] && root2 == tree.roots[size2];
    FUZZ_CHECK(VerifyConsistency(size1, size2, proof, root1, root2).ok() == same);
    FUZZ_CHECK(ReferenceVerifyConsistency(size1, size2, proof, root1, root2) == same);
  }
}

}  // namespace
}  // namespace lineage::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lineage::fuzz::ByteReader in(data, size);
  if ((in.U8() & 1) == 0) {
    lineage::fuzz::FreeMode(in);
  } else {
    lineage::fuzz::TreeMode(in);
  }
  return 0;
}
