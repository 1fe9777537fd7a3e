// An in-memory Merkle log for tests: a MerkleFrontier plus every complete
// subtree hash its appends reported, served back through a NodeReader.
//
//   MemoryTree tree;
//   tree.Append(HashLeaf("a"));
//   auto proof = BuildInclusionProof(0, 1, tree.ReaderAt(1));
//
// Thread-safety: not thread-safe.
#ifndef LINEAGE_TESTS_CRYPTO_MEMORY_TREE_H_
#define LINEAGE_TESTS_CRYPTO_MEMORY_TREE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "absl/status/statusor.h"
#include "crypto/hash.h"
#include "crypto/merkle_frontier.h"

namespace lineage {

class MemoryTree {
 public:
  // Appends a leaf hash and stores the nodes it completes. Records a test
  // failure if the frontier reports a node it already reported.
  void Append(const Hash& leaf_hash);

  uint64_t size() const { return frontier_.size(); }
  const MerkleFrontier& frontier() const { return frontier_; }
  const std::map<std::pair<int, uint64_t>, Hash>& nodes() const { return nodes_; }

  // The stored node at (level, index) as a reader for the tree of `size`
  // leaves sees it. Enforces the contract in merkle_proof.h:
  // OUT_OF_RANGE if the node does not lie wholly inside the first `size`
  // leaves, NOT_FOUND if it was never reported.
  absl::StatusOr<Hash> Read(uint64_t size, int level, uint64_t index) const;

  // A callable for NodeReader parameters; `this` must outlive it.
  std::function<absl::StatusOr<Hash>(int, uint64_t)> ReaderAt(uint64_t size) const;

 private:
  MerkleFrontier frontier_;
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
};

}  // namespace lineage

#endif  // LINEAGE_TESTS_CRYPTO_MEMORY_TREE_H_
