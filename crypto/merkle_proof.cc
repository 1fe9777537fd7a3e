#include "crypto/merkle_proof.h"

#include <bit>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/merkle_hash.h"

namespace lineage {
namespace {

// MTH(D[begin:end]) for a range produced by the RFC 6962 recursion: `begin`
// is a multiple of a power of two that is >= end - begin, so the range splits
// into complete subtrees of decreasing width, which are folded right to left.
absl::StatusOr<Hash> RangeHash(uint64_t begin, uint64_t end, NodeReader read) {
  std::vector<Hash> parts;
  uint64_t at = begin;
  while (at < end) {
    const uint64_t width = std::bit_floor(end - at);
    const int level = std::countr_zero(width);
    ASSIGN_OR_RETURN(Hash h, read(level, at >> level));
    parts.push_back(h);
    at += width;
  }
  Hash root = parts.back();
  for (size_t i = parts.size() - 1; i-- > 0;) root = HashChildren(parts[i], root);
  return root;
}

// PATH(m, D[begin:end]) appended bottom-up into `out`.
absl::Status AppendPath(uint64_t m, uint64_t begin, uint64_t end, NodeReader read,
                        std::vector<Hash>& out) {
  const uint64_t n = end - begin;
  if (n <= 1) return absl::OkStatus();
  const uint64_t k = LargestPowerOfTwoBelow(n);
  if (m < k) {
    RETURN_IF_ERROR(AppendPath(m, begin, begin + k, read, out));
    ASSIGN_OR_RETURN(Hash sibling, RangeHash(begin + k, end, read));
    out.push_back(sibling);
  } else {
    RETURN_IF_ERROR(AppendPath(m - k, begin + k, end, read, out));
    ASSIGN_OR_RETURN(Hash sibling, RangeHash(begin, begin + k, read));
    out.push_back(sibling);
  }
  return absl::OkStatus();
}

// SUBPROOF(m, D[begin:end], b) appended into `out`.
absl::Status AppendSubproof(uint64_t m, uint64_t begin, uint64_t end, bool whole_old_tree,
                            NodeReader read, std::vector<Hash>& out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!whole_old_tree) {
      ASSIGN_OR_RETURN(Hash h, RangeHash(begin, end, read));
      out.push_back(h);
    }
    return absl::OkStatus();
  }
  const uint64_t k = LargestPowerOfTwoBelow(n);
  if (m <= k) {
    RETURN_IF_ERROR(AppendSubproof(m, begin, begin + k, whole_old_tree, read, out));
    ASSIGN_OR_RETURN(Hash right, RangeHash(begin + k, end, read));
    out.push_back(right);
  } else {
    RETURN_IF_ERROR(AppendSubproof(m - k, begin + k, end, false, read, out));
    ASSIGN_OR_RETURN(Hash left, RangeHash(begin, begin + k, read));
    out.push_back(left);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Hash> ComputeRootAt(uint64_t size, NodeReader read) {
  if (size == 0) return EmptyTreeRoot();
  return RangeHash(0, size, read);
}

absl::StatusOr<std::vector<Hash>> BuildInclusionProof(uint64_t index, uint64_t size,
                                                      NodeReader read) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf index ", index, " is not in a tree of size ", size,
                     " (want leaf_index < tree_size)"));
  }
  std::vector<Hash> proof;
  RETURN_IF_ERROR(AppendPath(index, 0, size, read, proof));
  return proof;
}

absl::StatusOr<std::vector<Hash>> BuildConsistencyProof(uint64_t size1, uint64_t size2,
                                                        NodeReader read) {
  if (size1 == 0 || size1 > size2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consistency proof from size ", size1, " to size ", size2,
        ": want 1 <= from_size <= to_size"));
  }
  std::vector<Hash> proof;
  RETURN_IF_ERROR(AppendSubproof(size1, 0, size2, true, read, proof));
  return proof;
}

}  // namespace lineage
