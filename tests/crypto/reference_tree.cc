#include "tests/crypto/reference_tree.h"

#include <utility>

namespace lineage {
namespace {

Hash LeafHash(const std::string& leaf) {
  return Sha256Concat({absl::string_view("\x00", 1), leaf});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  return Sha256Concat({"\x01", HashBytes(left), HashBytes(right)});
}

// k: the largest power of two smaller than n (n > 1), by doubling.
// (k < n - k is 2k < n without overflowing for n > 2^63.)
uint64_t Split(uint64_t n) {
  uint64_t k = 1;
  while (k < n - k) k *= 2;
  return k;
}

Hash Mth(absl::Span<const std::string> d) {
  if (d.empty()) return Sha256("");
  if (d.size() == 1) return LeafHash(d[0]);
  const uint64_t k = Split(d.size());
  return NodeHash(Mth(d.subspan(0, k)), Mth(d.subspan(k)));
}

void Path(uint64_t m, absl::Span<const std::string> d, std::vector<Hash>& out) {
  if (d.size() <= 1) return;
  const uint64_t k = Split(d.size());
  if (m < k) {
    Path(m, d.subspan(0, k), out);
    out.push_back(Mth(d.subspan(k)));
  } else {
    Path(m - k, d.subspan(k), out);
    out.push_back(Mth(d.subspan(0, k)));
  }
}

void Subproof(uint64_t m, absl::Span<const std::string> d, bool b, std::vector<Hash>& out) {
  const uint64_t n = d.size();
  if (m == n) {
    if (!b) out.push_back(Mth(d));
    return;
  }
  const uint64_t k = Split(n);
  if (m <= k) {
    Subproof(m, d.subspan(0, k), b, out);
    out.push_back(Mth(d.subspan(k)));
  } else {
    Subproof(m - k, d.subspan(k), false, out);
    out.push_back(Mth(d.subspan(0, k)));
  }
}

// PATH backwards: the last hash is the top-level sibling.
std::optional<Hash> RootFromPath(uint64_t m, uint64_t n, const Hash& leaf,
                                 absl::Span<const Hash> path) {
  if (n == 1) return path.empty() ? std::optional<Hash>(leaf) : std::nullopt;
  if (path.empty()) return std::nullopt;
  const uint64_t k = Split(n);
  const Hash& sibling = path.back();
  path.remove_suffix(1);
  if (m < k) {
    std::optional<Hash> left = RootFromPath(m, k, leaf, path);
    if (!left.has_value()) return std::nullopt;
    return NodeHash(*left, sibling);
  }
  std::optional<Hash> right = RootFromPath(m - k, n - k, leaf, path);
  if (!right.has_value()) return std::nullopt;
  return NodeHash(sibling, *right);
}

// SUBPROOF backwards: returns {old subtree hash, new subtree hash} for the
// subtree of n leaves whose first m are in the old tree.
std::optional<std::pair<Hash, Hash>> RootsFromSubproof(uint64_t m, uint64_t n, bool b,
                                                       const Hash& root1,
                                                       absl::Span<const Hash> proof) {
  if (m == n) {
    if (b) {
      // The whole old tree: known to the verifier, not in the proof.
      if (!proof.empty()) return std::nullopt;
      return std::make_pair(root1, root1);
    }
    if (proof.size() != 1) return std::nullopt;
    return std::make_pair(proof[0], proof[0]);
  }
  if (proof.empty()) return std::nullopt;
  const uint64_t k = Split(n);
  const Hash& sibling = proof.back();
  proof.remove_suffix(1);
  if (m <= k) {
    auto inner = RootsFromSubproof(m, k, b, root1, proof);
    if (!inner.has_value()) return std::nullopt;
    // The right part is entirely new.
    return std::make_pair(inner->first, NodeHash(inner->second, sibling));
  }
  auto inner = RootsFromSubproof(m - k, n - k, false, root1, proof);
  if (!inner.has_value()) return std::nullopt;
  // The left part is complete and shared by both trees.
  return std::make_pair(NodeHash(sibling, inner->first), NodeHash(sibling, inner->second));
}

}  // namespace

Hash ReferenceRoot(absl::Span<const std::string> leaves) { return Mth(leaves); }

std::vector<Hash> ReferencePath(uint64_t m, absl::Span<const std::string> leaves) {
  std::vector<Hash> out;
  Path(m, leaves, out);
  return out;
}

std::vector<Hash> ReferenceProof(uint64_t m, absl::Span<const std::string> leaves) {
  std::vector<Hash> out;
  Subproof(m, leaves, true, out);
  return out;
}

std::optional<Hash> ReferenceRootFromPath(uint64_t m, uint64_t n, const Hash& leaf_hash,
                                          absl::Span<const Hash> path) {
  if (m >= n) return std::nullopt;
  return RootFromPath(m, n, leaf_hash, path);
}

bool ReferenceVerifyConsistency(uint64_t m, uint64_t n, absl::Span<const Hash> proof,
                                const Hash& root1, const Hash& root2) {
  if (m == 0 || m > n) return false;
  auto roots = RootsFromSubproof(m, n, true, root1, proof);
  return roots.has_value() && roots->first == root1 && roots->second == root2;
}

}  // namespace lineage
