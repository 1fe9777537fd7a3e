// The derived-index checkers of the log's own indexes (see
// derived_index_checker.h):
//
//   event_ids   (namespace, event_id) -> index and payload digest: every
//               lineage event has its row, pointing at its own index (two
//               entries with one event ID would mean an index used twice).
//   leaf_index  leaf hash -> index: every leaf has its row.
//   keys        the producer key registry: equal to the replay of every
//               KEY_REGISTERED / KEY_REVOKED entry, last change winning.
//
// Each also reports rows that no entry explains.
//
// Thread-safety: see derived_index_checker.h. The store must outlive them.
#ifndef LINEAGE_SERVER_LEDGER_LOG_INDEX_CHECKERS_H_
#define LINEAGE_SERVER_LEDGER_LOG_INDEX_CHECKERS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/ledger/derived_index_checker.h"
#include "storage/log_store.h"

namespace lineage {

class EventIdsChecker : public DerivedIndexChecker {
 public:
  explicit EventIdsChecker(const LogStore& store) : store_(store) {}
  absl::string_view name() const override { return "event_ids"; }
  void OnEntry(const CheckedEntry& entry, FindingSink& findings) override;
  void Finish(uint64_t tree_size, FindingSink& findings) override;

 private:
  const LogStore& store_;
  uint64_t rows_found_ = 0;  // Rows present and pointing at their entry.
};

class LeafIndexChecker : public DerivedIndexChecker {
 public:
  explicit LeafIndexChecker(const LogStore& store) : store_(store) {}
  absl::string_view name() const override { return "leaf_index"; }
  void OnEntry(const CheckedEntry& entry, FindingSink& findings) override;
  void Finish(uint64_t tree_size, FindingSink& findings) override;

 private:
  const LogStore& store_;
  uint64_t rows_found_ = 0;  // Rows present and pointing at their entry.
};

class KeysChecker : public DerivedIndexChecker {
 public:
  explicit KeysChecker(const LogStore& store) : store_(store) {}
  absl::string_view name() const override { return "keys"; }
  void OnEntry(const CheckedEntry& entry, FindingSink& findings) override;
  void Finish(uint64_t tree_size, FindingSink& findings) override;

 private:
  const LogStore& store_;
  // Key ID (16 bytes) -> the ProducerKey after the last change, serialized.
  std::map<std::string, std::string> replayed_;
};

// Every derived-index checker the ledger has, in the order they run; the
// integrity check (offline and online) uses this list. The tree checker is
// added by the IntegrityChecker itself, which knows the checkpoints.
std::vector<std::unique_ptr<DerivedIndexChecker>> DefaultDerivedIndexCheckers(
    const LogStore& store);

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_LOG_INDEX_CHECKERS_H_
