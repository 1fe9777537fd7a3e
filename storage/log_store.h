// LogStore: typed access to the log's column families (leaves, tree nodes,
// entries, dedup and leaf-hash indexes, tree head, latest checkpoint, key
// registry rows). Layouts are in schema.h.
//
// Reads go straight to RocksDB. Writes are added to a WriteBatch that the
// caller commits, so one logical append is one atomic batch.
//
// Thread-safety: safe for concurrent use (it holds no state but the
// Database reference). The Database must outlive the LogStore.
#ifndef LINEAGE_STORAGE_LOG_STORE_H_
#define LINEAGE_STORAGE_LOG_STORE_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/hash.h"
#include "crypto/key_id.h"
#include "storage/database.h"

namespace lineage {

// Size and root of the tree as last committed.
struct TreeHead {
  uint64_t size = 0;
  Hash root{};
};

// The salt and envelope record bytes a leaf commits to.
struct StoredEntry {
  std::string salt;
  std::string record;
};

// Where an (namespace, event_id) went, and a digest of its payload.
struct EventIdRecord {
  uint64_t index = 0;
  Hash payload_digest{};
};

class LogStore {
 public:
  explicit LogStore(Database& db) : db_(db) {}

  Database& database() { return db_; }
  const Database& database() const { return db_; }

  // Checks the data directory's format marker, writing it on a new store.
  // FAILED_PRECONDITION if the directory holds another format.
  absl::Status CheckOrInitFormat();

  // The committed tree head; size 0 and the empty root for a new log.
  absl::StatusOr<TreeHead> ReadTreeHead() const;

  // The latest signed checkpoint note. NOT_FOUND if none was stored.
  absl::StatusOr<std::string> ReadLatestCheckpoint() const;

  // Hash of the complete subtree (level, index). DATA_LOSS if missing: every
  // node under the tree head must exist.
  absl::StatusOr<Hash> ReadNode(int level, uint64_t index) const;

  // The leaf at `index`. NOT_FOUND if absent.
  absl::StatusOr<std::string> ReadLeaf(uint64_t index) const;

  // The salt and record of `index`. NOT_FOUND if absent or erased.
  absl::StatusOr<StoredEntry> ReadEntry(uint64_t index) const;

  // The index of the leaf with hash `leaf_hash`. NOT_FOUND if none.
  absl::StatusOr<uint64_t> FindLeafIndex(const Hash& leaf_hash) const;

  // Where (namespace, event_id) was appended. NOT_FOUND if never.
  absl::StatusOr<EventIdRecord> FindEventId(absl::string_view ns,
                                            absl::string_view event_id) const;

  // The stored ProducerKey bytes of `key_id`. NOT_FOUND if unknown.
  absl::StatusOr<std::string> ReadKey(const KeyId& key_id) const;

  // Calls `visit(key_id, producer_key_bytes)` for every registered key.
  absl::Status ScanKeys(
      absl::FunctionRef<void(const KeyId& key_id, absl::string_view bytes)> visit) const;

  // Batch writers for one append. All but PutTreeHead write blind
  // (WriteBatch::PutBlind): reads through the same batch do not see them.
  void PutLeaf(WriteBatch& batch, uint64_t index, absl::string_view leaf) const;
  void PutNode(WriteBatch& batch, int level, uint64_t index, const Hash& hash) const;
  void PutEntry(WriteBatch& batch, uint64_t index, absl::string_view salt,
                absl::string_view record) const;
  void PutEventId(WriteBatch& batch, absl::string_view ns, absl::string_view event_id,
                  const EventIdRecord& record) const;
  void PutLeafIndex(WriteBatch& batch, const Hash& leaf_hash, uint64_t index) const;
  void PutTreeHead(WriteBatch& batch, const TreeHead& head) const;
  void PutCheckpoint(WriteBatch& batch, absl::string_view note) const;
  void PutKey(WriteBatch& batch, const KeyId& key_id, absl::string_view bytes) const;

 private:
  Database& db_;
};

}  // namespace lineage

#endif  // LINEAGE_STORAGE_LOG_STORE_H_
