// AuditStore: the access log's layout in RocksDB.
//
//   column       key                                              value
//   audit        time µs (8) ‖ sequence (8)                       lineage.v1.AccessRecord
//   audit_index  'p' ‖ principal ‖ 0x00 ‖ time (8) ‖ sequence (8)  empty
//   audit_index  'b' ‖ node ID >> 8 (8) ‖ time (8) ‖ sequence (8)  bitmap (32): the
//                record's nodes among IDs bucket*256 .. bucket*256+255
//   (format 1 had 'n' ‖ node ID (8) ‖ time (8) ‖ sequence (8), empty;
//   MigrateLegacyNodeIndex converts it)
//   meta         "audit_next_sequence"                            next sequence (8)
//   meta         "audit_index_pending"                            record keys (16 each)
//   meta         "audit_open"                                     record keys (16 each)
//
// Thread-safety: stateless apart from the Database reference.
#ifndef LINEAGE_STORAGE_AUDIT_STORE_H_
#define LINEAGE_STORAGE_AUDIT_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "storage/database.h"

namespace lineage {

class AuditStore {
 public:
  explicit AuditStore(Database& db) : db_(db) {}
  Database& database() const { return db_; }

  absl::StatusOr<uint64_t> ReadNextSequence() const;

  // A record's key in `audit` (and the suffix of its index keys).
  static std::string RecordKey(uint64_t time_micros, uint64_t sequence);

  // Adds one record and its principal index entry to `batch`.
  void Put(WriteBatch& batch, absl::string_view record_key, absl::string_view principal,
           absl::string_view record) const;
  // Adds a record's node index entries to `batch` (see AuditLog: they may
  // follow the record in a later batch).
  void PutNodeIndex(WriteBatch& batch, absl::string_view record_key,
                    absl::Span<const uint64_t> node_ids) const;
  void PutNextSequence(WriteBatch& batch, uint64_t next) const;
  // Rewrites format-1 node index entries (one key per node) as format-2
  // bitmaps, in synced batches; safe to rerun after a crash. Returns how
  // many entries it converted (0 when there were none).
  absl::StatusOr<uint64_t> MigrateLegacyNodeIndex() const;

  // The records whose node index entries may not be written yet: set in a
  // record's own batch, cleared in the batch that writes its entries, read
  // at start to finish what a crash interrupted.
  void PutPendingIndex(WriteBatch& batch, const std::vector<std::string>& record_keys) const;
  void ClearPendingIndex(WriteBatch& batch) const;
  absl::StatusOr<std::vector<std::string>> ReadPendingIndex() const;
  // The records written before their answer was known (AuditLog::Open)
  // and not yet completed: the whole list, rewritten in each batch that
  // opens or completes one (empty deletes it); read at start to recompute
  // what a crash left open.
  void PutOpenRecords(WriteBatch& batch, const std::vector<std::string>& record_keys) const;
  absl::StatusOr<std::vector<std::string>> ReadOpenRecords() const;
  // NOT_FOUND if there is no such record.
  absl::StatusOr<std::string> ReadRecord(absl::string_view record_key) const;

  // Records with time in [from, to), in order, starting after `after` (a
  // key from a previous visit, or empty). `visit(key, record)` returns false
  // to stop. With `principal` or `node_id` set, only their records.
  absl::Status Scan(uint64_t from_micros, uint64_t to_micros, absl::string_view principal,
                    uint64_t node_id, absl::string_view after,
                    absl::FunctionRef<bool(absl::string_view key, absl::string_view record)> visit) const;

 private:
  Database& db_;
};

}  // namespace lineage

#endif  // LINEAGE_STORAGE_AUDIT_STORE_H_
