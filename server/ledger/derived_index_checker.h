// DerivedIndexChecker: checks one index that the log writer derives from log
// entries (event_ids, leaf_index, keys, the tree nodes and head; later the
// lineage graph) against a replay of the log.
//
// The IntegrityChecker reads every entry once, in index order, verifies it,
// and hands it to each registered checker; after the last entry it calls
// Finish, where a checker compares what it rebuilt with what is stored and
// reports every difference as a finding (missing rows, wrong values, rows
// that no entry explains). A new derived index adds its checker to
// DefaultDerivedIndexCheckers (log_index_checkers.h) and nothing else.
//
// Thread-safety: a checker is used by one check on one thread.
#ifndef LINEAGE_SERVER_LEDGER_DERIVED_INDEX_CHECKER_H_
#define LINEAGE_SERVER_LEDGER_DERIVED_INDEX_CHECKER_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "crypto/envelope_record.h"
#include "crypto/hash.h"
#include "crypto/leaf.h"
#include "lineage/v1/event.pb.h"
#include "lineage/v1/keys.pb.h"
#include "server/ledger/integrity_finding.h"

namespace lineage {

// One log entry as the replay sees it. Pointers are null when that part is
// absent (erased entry, kind without it) or failed its own checks (which
// were reported already). Valid only during the OnEntry call.
struct CheckedEntry {
  uint64_t index = 0;
  absl::string_view leaf_bytes;  // The stored 58 bytes.
  const Leaf* leaf = nullptr;    // Decoded; null if the leaf is missing or malformed.
  Hash leaf_hash{};              // Of the stored bytes (valid whenever leaf_bytes is set).
  const EnvelopeRecord* record = nullptr;      // The stored record, if it commits correctly.
  const v1::LineageEvent* event = nullptr;     // Its parsed payload, for lineage events.
  const v1::KeyChange* key_change = nullptr;   // Its parsed payload, for key entries.
};

class DerivedIndexChecker {
 public:
  virtual ~DerivedIndexChecker() = default;

  // A short name for reports ("event_ids").
  virtual absl::string_view name() const = 0;

  // Called for every entry of the log, in index order.
  virtual void OnEntry(const CheckedEntry& entry, FindingSink& findings) = 0;

  // Called once after the last entry of a tree of `tree_size` entries.
  virtual void Finish(uint64_t tree_size, FindingSink& findings) = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_DERIVED_INDEX_CHECKER_H_
