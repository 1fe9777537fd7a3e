#include "server/ledger/tree_checker.h"

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "crypto/merkle_hash.h"
#include "storage/schema.h"

namespace lineage {
namespace {

std::string NodeName(int level, uint64_t index) {
  return absl::StrCat("level ", level, " index ", index);
}

// How many complete subtrees a tree of `size` leaves has: the nodes stored.
uint64_t CompleteSubtrees(uint64_t size) {
  uint64_t total = 0;
  for (int level = 0; level < 64 && (size >> level) > 0; ++level) total += size >> level;
  return total;
}

}  // namespace

TreeChecker::TreeChecker(const LogStore& store, const TreeHead* stored_head,
                         std::vector<TrustedCheckpoint> checkpoints)
    : store_(store),
      has_head_(stored_head != nullptr),
      head_(stored_head != nullptr ? *stored_head : TreeHead{}),
      checkpoints_(std::move(checkpoints)) {}

void TreeChecker::OnEntry(const CheckedEntry& entry, FindingSink& findings) {
  Hash leaf_hash = entry.leaf_hash;
  if (entry.leaf_bytes.empty()) {
    // The leaf is gone (reported by the replay): carry on with the stored
    // level-0 node so one lost leaf does not make every later node differ.
    absl::StatusOr<Hash> stored = store_.ReadNode(0, entry.index);
    if (!stored.ok()) return;  // Reported below when the node is compared.
    leaf_hash = *stored;
  }
  frontier_.Append(leaf_hash, [&](int level, uint64_t index, const Hash& hash) {
    ++nodes_checked_;
    absl::StatusOr<Hash> stored = store_.ReadNode(level, index);
    if (!stored.ok()) {
      findings.Add({"nodes", NodeName(level, index), std::nullopt,
                    std::string(stored.status().message()), HashToHex(hash), ""});
    } else if (*stored != hash) {
      findings.Add({"nodes", NodeName(level, index), std::nullopt,
                    "stored subtree hash differs from the hash recomputed from the leaves",
                    HashToHex(hash), HashToHex(*stored)});
    }
  });
  CheckRootAtCurrentSize(findings);
}

void TreeChecker::CheckRootAtCurrentSize(FindingSink& findings) {
  const uint64_t size = frontier_.size();
  for (const TrustedCheckpoint& c : checkpoints_) {
    if (c.checkpoint.size != size) continue;
    const Hash root = frontier_.Root();
    if (root != c.checkpoint.root) {
      findings.Add({"checkpoint", c.source, std::nullopt,
                    absl::StrCat("the signed checkpoint's root at size ", size,
                                 " differs from the root recomputed from the leaves"),
                    HashToHex(root), HashToHex(c.checkpoint.root)});
    }
  }
}

void TreeChecker::Finish(uint64_t tree_size, FindingSink& findings) {
  if (frontier_.size() == 0) CheckRootAtCurrentSize(findings);  // Checkpoints of size 0.
  if (has_head_ && frontier_.size() == head_.size && frontier_.Root() != head_.root) {
    findings.Add({"default", std::string(schema::kTreeHeadKey), std::nullopt,
                  absl::StrCat("the tree head's root at size ", head_.size,
                               " differs from the root recomputed from the leaves"),
                  HashToHex(frontier_.Root()), HashToHex(head_.root)});
  }
  for (const TrustedCheckpoint& c : checkpoints_) {
    if (c.checkpoint.size <= tree_size) continue;
    findings.Add({"checkpoint", c.source, std::nullopt,
                  absl::StrCat("a signed checkpoint covers ", c.checkpoint.size,
                               " entries but storage holds ", tree_size,
                               ": acknowledged entries are missing; restore from a backup"),
                  absl::StrCat("size >= ", c.checkpoint.size), absl::StrCat("size ", tree_size)});
  }

  // Stored nodes the tree does not explain (beyond its complete subtrees).
  const uint64_t want = CompleteSubtrees(tree_size);
  uint64_t rows = 0;
  absl::Status counted = store_.database().Scan(Column::kNodes, "", "",
                                                [&](absl::string_view, absl::string_view) {
                                                  ++rows;
                                                  return true;
                                                });
  if (!counted.ok()) {
    findings.Add({"nodes", "(scan)", std::nullopt, std::string(counted.message()), "", ""});
    return;
  }
  if (rows == want) return;
  absl::Status scanned = store_.database().Scan(
      Column::kNodes, "", "", [&](absl::string_view key, absl::string_view) {
        if (key.size() != 9) {
          findings.Add({"nodes", std::string(key), std::nullopt, "malformed node key",
                        "1 + 8 bytes", absl::StrCat(key.size(), " bytes")});
          return true;
        }
        const int level = static_cast<uint8_t>(key[0]);
        const uint64_t index = ReadBigEndian<uint64_t>(key.data() + 1);
        const bool inside = level < 64 && index < (tree_size >> level);
        if (!inside) {
          findings.Add({"nodes", NodeName(level, index), std::nullopt,
                        absl::StrCat("node lies outside the tree of size ", tree_size,
                                     " (written by no committed append)"),
                        "", "a stored hash"});
        }
        return true;
      });
  if (rows < want && scanned.ok()) {
    findings.Add({"nodes", "(count)", std::nullopt, "tree nodes are missing",
                  absl::StrCat(want, " nodes"), absl::StrCat(rows, " nodes")});
  }
}

}  // namespace lineage
