// Database: the one RocksDB instance of a ledger, with its column families.
//
// This is the only place (with database.cc) that includes rocksdb/. The
// layers above name column families with `Column` and get absl::Status
// codes: NOT_FOUND (no such key), UNAVAILABLE (I/O error, disk full: retry
// later), DATA_LOSS (corruption), INTERNAL (anything else).
//
//   ASSIGN_OR_RETURN(auto db, Database::Open({.path = dir}));
//   WriteBatch batch(*db);
//   batch.Put(Column::kLeaves, key, leaf);
//   RETURN_IF_ERROR(db->Write(batch, /*sync=*/true));
//
// Thread-safety: Database is safe for concurrent use; WriteBatch is not.
#ifndef LINEAGE_STORAGE_DATABASE_H_
#define LINEAGE_STORAGE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Iterator;
class WriteBatchWithIndex;
}  // namespace rocksdb

namespace lineage {

class FaultInjectionFs;

// Column families. The byte layout of each is in docs/formats.md and
// storage/schema.h.
enum class Column : int {
  kMeta = 0,     // Tree head, latest checkpoint, format version.
  kLeaves,       // Log leaves by index.
  kNodes,        // Complete Merkle subtree hashes by (level, index).
  kEntries,      // Salt and envelope record by index (erasable).
  kEventIds,     // (namespace, event_id) -> index and payload digest.
  kLeafIndex,    // Leaf hash -> index.
  kKeys,         // Producer key registry.
  kGraphNodes,     // Lineage graph: node ID -> node record.
  kGraphKeys,      // Natural key of a node -> node ID.
  kGraphOut,       // (from, edge kind, to) -> log index of the first assertion.
  kGraphIn,        // (to, edge kind, from) -> log index of the first assertion.
  kGraphNames,     // (version kind, namespace, name, version, node ID) -> log index.
  kGraphSubjects,  // (subject token, node ID) -> log index.
  kGraphSearch,    // (kind, namespace, name, node ID) -> empty.
  kAudit,          // Access log: (time, sequence) -> access record.
  kAuditIndex,     // Access log indexes: by principal and by node -> empty.
  kColumnCount,    // Not a column.
};

// Name of a column family as stored in RocksDB.
absl::string_view ColumnName(Column column);

class Database;

// Reads shared by Database (the committed state) and WriteBatch (the
// committed state with the batch's pending writes applied), so code that
// derives indexes can read through a batch it is still filling.
class KvReader {
 public:
  virtual ~KvReader() = default;
  // The value of `key`, NOT_FOUND if absent.
  virtual absl::StatusOr<std::string> Get(Column column, absl::string_view key) const = 0;
  // Calls `visit(key, value)` for keys >= `start` in order while it returns
  // true and keys start with `prefix`.
  virtual absl::Status Scan(
      Column column, absl::string_view prefix, absl::string_view start,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const = 0;
};

// An atomic group of writes across column families of one Database, which
// must outlive the batch. Reads through the batch (Get, Scan) see its own
// pending writes over the database, so one logical operation can read what
// it has written before it commits (RocksDB WriteBatchWithIndex).
class WriteBatch : public KvReader {
 public:
  explicit WriteBatch(const Database& db);
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  void Put(Column column, absl::string_view key, absl::string_view value);
  // Like Put, but not indexed: Get and Scan through this batch do not see
  // it (they see the committed value, if any); the commit writes it all
  // the same. For keys nothing reads back before the commit (the log's
  // leaves and tree nodes, reverse edges): it skips the index's ordered
  // insert, a large share of what the single log writer spends per key.
  void PutBlind(Column column, absl::string_view key, absl::string_view value);
  void Delete(Column column, absl::string_view key);
  int Count() const;
  size_t ByteSize() const;
  void Clear();

  // The value of `key` as this batch would leave it: NOT_FOUND if absent or
  // deleted in the batch.
  absl::StatusOr<std::string> Get(Column column, absl::string_view key) const override;

  // Database::Scan over the database with this batch applied.
  absl::Status Scan(
      Column column, absl::string_view prefix, absl::string_view start,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const override;

 private:
  friend class Database;
  const Database& db_;
  std::unique_ptr<rocksdb::WriteBatchWithIndex> batch_;
};

struct DatabaseOptions {
  // Directory of the RocksDB instance; created if missing.
  std::string path;
  // Shared block cache size.
  size_t block_cache_bytes = 256 << 20;
  // Open without write access (offline verification).
  bool read_only = false;
  // Tests only: injected I/O errors (storage/fault_injection_fs.h). Must
  // outlive the Database. Null in production.
  FaultInjectionFs* faults = nullptr;
};

class Database : public KvReader {
 public:
  // Opens or creates the database and every column family. UNAVAILABLE if
  // the directory cannot be used (locked by another process, permissions).
  static absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The value of `key`, NOT_FOUND if absent.
  absl::StatusOr<std::string> Get(Column column, absl::string_view key) const override;

  // Applies `batch` atomically. With `sync`, returns only after the WAL is
  // on disk. UNAVAILABLE on I/O errors (nothing of the batch is visible).
  absl::Status Write(const WriteBatch& batch, bool sync);

  // Calls `visit(key, value)` for keys >= `start` in order while it returns
  // true and keys start with `prefix`.
  absl::Status Scan(
      Column column, absl::string_view prefix, absl::string_view start,
      absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const override;

  // The last key with `prefix` (and its value), NOT_FOUND if none.
  absl::StatusOr<std::pair<std::string, std::string>> Last(Column column,
                                                           absl::string_view prefix) const;

  // Flushes memtables to SST files (tests and backups).
  absl::Status Flush();

  // Clears a background error (disk full, I/O error) that made RocksDB stop
  // accepting writes, once its cause is gone; OK if there is none.
  // UNAVAILABLE while the cause persists. Reads work throughout.
  absl::Status Resume();

  // Writes a consistent, point-in-time copy of every column family to `dir`
  // (which must not exist; its parent must, on the same file system for hard
  // links) without stopping writers: RocksDB's Checkpoint, which hard-links
  // SST files and copies the live WAL. ALREADY_EXISTS if `dir` exists;
  // UNAVAILABLE on I/O errors.
  absl::Status CreateCheckpoint(const std::string& dir);

  // Reads every live SST file whole and checks its block checksums, so
  // damage in data not read for a while is found. One DamagedFile per file
  // that fails; empty if all are sound.
  struct DamagedFile {
    std::string file;            // Path of the SST file.
    std::string column;          // Column family it belongs to.
    std::string smallest_key;    // The key range it holds, as stored.
    std::string largest_key;
    std::string problem;         // RocksDB's description of the damage.
  };
  std::vector<DamagedFile> CheckFiles() const;

  // What reads and writes currently wade through, for slow-operation
  // reports: the column families with more than one level-0 file (each one
  // a point read or scan may have to check) or with memtables waiting to be
  // flushed, and the compaction debt, e.g. "level-0 files: graph_out 6,
  // graph_in 5; memtables waiting: entries 1; compaction pending: 48 MiB".
  std::string Backlog() const;

  const std::string& path() const { return path_; }

 private:
  Database(std::string path, std::unique_ptr<rocksdb::DB> db,
           std::vector<rocksdb::ColumnFamilyHandle*> handles);
  friend class WriteBatch;
  rocksdb::ColumnFamilyHandle* Handle(Column column) const;

  std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace lineage

#endif  // LINEAGE_STORAGE_DATABASE_H_
