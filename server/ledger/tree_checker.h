// TreeChecker: the derived-index checker for the Merkle tree itself. It
// rebuilds the tree from the leaf hashes of the replay and compares every
// complete subtree it produces with the stored node at (level, index), the
// final root with meta/tree_head, and the root at each trusted checkpoint's
// size with that checkpoint's root. Nodes that no complete subtree of the
// tree explains are reported too.
//
// Thread-safety: see derived_index_checker.h. The store must outlive it.
#ifndef LINEAGE_SERVER_LEDGER_TREE_CHECKER_H_
#define LINEAGE_SERVER_LEDGER_TREE_CHECKER_H_

#include <string>
#include <vector>

#include "crypto/checkpoint.h"
#include "crypto/merkle_frontier.h"
#include "server/ledger/derived_index_checker.h"
#include "storage/log_store.h"

namespace lineage {

// A checkpoint whose signature verified, and where it came from
// ("meta/checkpoint", a file name).
struct TrustedCheckpoint {
  std::string source;
  Checkpoint checkpoint;
};

class TreeChecker : public DerivedIndexChecker {
 public:
  // `stored_head` is meta/tree_head as read (null if unreadable).
  TreeChecker(const LogStore& store, const TreeHead* stored_head,
              std::vector<TrustedCheckpoint> checkpoints);

  absl::string_view name() const override { return "nodes"; }
  void OnEntry(const CheckedEntry& entry, FindingSink& findings) override;
  void Finish(uint64_t tree_size, FindingSink& findings) override;

  uint64_t nodes_checked() const { return nodes_checked_; }

 private:
  void CheckRootAtCurrentSize(FindingSink& findings);

  const LogStore& store_;
  bool has_head_;
  TreeHead head_;
  std::vector<TrustedCheckpoint> checkpoints_;
  MerkleFrontier frontier_;
  uint64_t nodes_checked_ = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_TREE_CHECKER_H_
