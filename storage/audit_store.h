// AuditStore: the access log's layout in RocksDB.
//
//   column       key                                              value
//   audit        time µs (8) ‖ sequence (8)                       lineage.v1.AccessRecord
//   audit_index  'p' ‖ principal ‖ 0x00 ‖ time (8) ‖ sequence (8)  empty
//   audit_index  'n' ‖ node ID (8) ‖ time (8) ‖ sequence (8)       empty
//   meta         "audit_next_sequence"                            next sequence (8)
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
#include "storage/database.h"

namespace lineage {

class AuditStore {
 public:
  explicit AuditStore(Database& db) : db_(db) {}
  Database& database() const { return db_; }

  absl::StatusOr<uint64_t> ReadNextSequence() const;

  // Adds one record and its index entries to `batch`.
  void Put(WriteBatch& batch, uint64_t time_micros, uint64_t sequence, absl::string_view principal,
           const std::vector<uint64_t>& node_ids, absl::string_view record) const;
  void PutNextSequence(WriteBatch& batch, uint64_t next) const;

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
