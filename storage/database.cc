#include "storage/database.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/metadata.h>
#include <rocksdb/slice.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/str_cat.h"
#include "storage/fault_injection_fs.h"
#include "storage/key_ordered_batch.h"

namespace lineage {
namespace {

constexpr absl::string_view kColumnNames[] = {
    "default", "leaves", "nodes", "entries", "event_ids", "leaf_index",
    "keys",   "graph_nodes", "graph_keys", "graph_out", "graph_in", "graph_names",
    "graph_subjects", "graph_search", "audit", "audit_index",
};
static_assert(sizeof(kColumnNames) / sizeof(kColumnNames[0]) ==
              static_cast<size_t>(Column::kColumnCount));

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError() || s.IsNoSpace() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain() ||
      s.IsIncomplete()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

rocksdb::ColumnFamilyOptions ColumnOptions(Column column,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Point lookups (dedup, leaf hash, nodes) are the common read: bloom them.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = column == Column::kNodes || column == Column::kLeafIndex
                            ? rocksdb::kNoCompression  // Hashes do not compress.
                            : rocksdb::kLZ4Compression;
  options.write_buffer_size = 32 << 20;
  // Most lookups of the ingest path miss (a new node's key, a new edge): a
  // memtable bloom filter answers those without walking the skip list.
  options.memtable_prefix_bloom_size_ratio = 0.05;
  options.memtable_whole_key_filtering = true;
  // Many keys arrive in increasing order (log indexes, new node IDs, edges
  // of a new node): remembering the last insert position per leading byte
  // makes those inserts O(1); others fall back to an ordinary search.
  options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
  return options;
}

absl::Status ScanIterator(rocksdb::Iterator& it, Column column, absl::string_view prefix,
                          absl::string_view start,
                          absl::FunctionRef<bool(absl::string_view, absl::string_view)> visit) {
  absl::string_view from = start.empty() || start < prefix ? prefix : start;
  for (it.Seek(ToSlice(from)); it.Valid(); it.Next()) {
    absl::string_view key = ToView(it.key());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, ToView(it.value()))) break;
  }
  return FromRocks(it.status(), absl::StrCat("scanning ", ColumnName(column)));
}

}  // namespace

absl::string_view ColumnName(Column column) { return kColumnNames[static_cast<int>(column)]; }

WriteBatch::WriteBatch(const Database& db)
    : db_(db),
      batch_(new rocksdb::WriteBatchWithIndex(rocksdb::BytewiseComparator(), 0,
                                              /*overwrite_key=*/true)) {}
WriteBatch::~WriteBatch() = default;

void WriteBatch::Put(Column column, absl::string_view key, absl::string_view value) {
  batch_->Put(db_.Handle(column), ToSlice(key), ToSlice(value));
}
void WriteBatch::PutBlind(Column column, absl::string_view key, absl::string_view value) {
  // Records written to the underlying batch directly are committed with it
  // but have no index entry, so reads through the batch fall to the DB.
  (void)batch_->GetWriteBatch()->Put(db_.Handle(column), ToSlice(key), ToSlice(value));
}
void WriteBatch::Delete(Column column, absl::string_view key) {
  batch_->Delete(db_.Handle(column), ToSlice(key));
}
int WriteBatch::Count() const { return batch_->GetWriteBatch()->Count(); }
size_t WriteBatch::ByteSize() const { return batch_->GetWriteBatch()->GetDataSize(); }
void WriteBatch::Clear() { batch_->Clear(); }

absl::StatusOr<std::string> WriteBatch::Get(Column column, absl::string_view key) const {
  std::string value;
  rocksdb::Status s = batch_->GetFromBatchAndDB(db_.db_.get(), rocksdb::ReadOptions(),
                                                db_.Handle(column), ToSlice(key), &value);
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", ColumnName(column)));
  return value;
}

absl::Status WriteBatch::Scan(
    Column column, absl::string_view prefix, absl::string_view start,
    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const {
  std::unique_ptr<rocksdb::Iterator> it(batch_->NewIteratorWithBase(
      db_.Handle(column), db_.db_->NewIterator(rocksdb::ReadOptions(), db_.Handle(column))));
  return ScanIterator(*it, column, prefix, start, visit);
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  db_options.keep_log_file_num = 5;
  db_options.info_log_level = rocksdb::WARN_LEVEL;
  if (options.faults != nullptr) db_options.env = options.faults->env();
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < static_cast<int>(Column::kColumnCount); ++i) {
    descriptors.emplace_back(std::string(kColumnNames[i]),
                             ColumnOptions(static_cast<Column>(i), cache));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, options.path, descriptors, &handles, &raw)
          : rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) {
    absl::Status status = FromRocks(s, absl::StrCat("opening RocksDB at ", options.path));
    if (status.code() == absl::StatusCode::kInternal || s.IsInvalidArgument()) {
      return absl::UnavailableError(status.message());
    }
    return status;
  }
  return std::unique_ptr<Database>(
      new Database(options.path, std::unique_ptr<rocksdb::DB>(raw), std::move(handles)));
}

Database::Database(std::string path, std::unique_ptr<rocksdb::DB> db,
                   std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : path_(std::move(path)), db_(std::move(db)), handles_(std::move(handles)) {}

Database::~Database() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
}

rocksdb::ColumnFamilyHandle* Database::Handle(Column column) const {
  return handles_[static_cast<int>(column)];
}

absl::StatusOr<std::string> Database::Get(Column column, absl::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(column), ToSlice(key), &value);
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", ColumnName(column)));
  return value;
}

absl::Status Database::Write(const WriteBatch& batch, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  rocksdb::WriteBatch* writes = batch.batch_->GetWriteBatch();
  // Large batches (the log writer's groups) go to the memtables in key
  // order: cheaper skip-list inserts, the same committed state.
  constexpr int kOrderFrom = 64;
  if (writes->Count() >= kOrderFrom) {
    std::optional<rocksdb::WriteBatch> ordered = KeyOrderedCopy(*writes, handles_);
    if (ordered) return FromRocks(db_->Write(options, &*ordered), "writing batch");
  }
  return FromRocks(db_->Write(options, writes), "writing batch");
}

absl::Status Database::Scan(
    Column column, absl::string_view prefix, absl::string_view start,
    absl::FunctionRef<bool(absl::string_view key, absl::string_view value)> visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Handle(column)));
  return ScanIterator(*it, column, prefix, start, visit);
}

absl::StatusOr<std::pair<std::string, std::string>> Database::Last(
    Column column, absl::string_view prefix) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Handle(column)));
  // Seek just past the prefix, then step back.
  std::string upper(prefix);
  while (!upper.empty() && static_cast<uint8_t>(upper.back()) == 0xff) upper.pop_back();
  if (upper.empty()) {
    it->SeekToLast();
  } else {
    upper.back() = static_cast<char>(static_cast<uint8_t>(upper.back()) + 1);
    it->SeekForPrev(ToSlice(upper));
    if (it->Valid() && ToView(it->key()) == upper) it->Prev();
  }
  if (it->Valid() && ToView(it->key()).substr(0, prefix.size()) == prefix) {
    return std::make_pair(it->key().ToString(), it->value().ToString());
  }
  absl::Status s = FromRocks(it->status(), absl::StrCat("scanning ", ColumnName(column)));
  if (!s.ok()) return s;
  return absl::NotFoundError(absl::StrCat("no key in ", ColumnName(column)));
}

std::string Database::Backlog() const {
  std::string level0, waiting;
  uint64_t pending_bytes = 0;
  for (int c = 0; c < static_cast<int>(Column::kColumnCount); ++c) {
    rocksdb::ColumnFamilyHandle* handle = handles_[c];
    std::string files;
    if (db_->GetProperty(handle, "rocksdb.num-files-at-level0", &files) && files != "0" &&
        files != "1") {
      absl::StrAppend(&level0, level0.empty() ? "" : ", ", kColumnNames[c], " ", files);
    }
    uint64_t immutable = 0;
    if (db_->GetIntProperty(handle, "rocksdb.num-immutable-mem-table", &immutable) &&
        immutable > 0) {
      absl::StrAppend(&waiting, waiting.empty() ? "" : ", ", kColumnNames[c], " ", immutable);
    }
    uint64_t bytes = 0;
    if (db_->GetIntProperty(handle, "rocksdb.estimate-pending-compaction-bytes", &bytes)) {
      pending_bytes += bytes;
    }
  }
  return absl::StrCat("level-0 files: ", level0.empty() ? "none above 1" : level0,
                      "; memtables waiting: ", waiting.empty() ? "none" : waiting,
                      "; compaction pending: ", pending_bytes >> 20, " MiB");
}

absl::Status Database::Flush() {
  rocksdb::FlushOptions options;
  return FromRocks(db_->Flush(options, handles_), "flushing");
}

absl::Status Database::Resume() {
  return FromRocks(db_->Resume(), "resuming writes after a storage error");
}

absl::Status Database::CreateCheckpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (s.ok()) s = checkpoint->CreateCheckpoint(dir);
  if (s.IsInvalidArgument() && s.ToString().find("exists") != std::string::npos) {
    return absl::AlreadyExistsError(absl::StrCat("checkpoint directory ", dir, " already exists"));
  }
  absl::Status status = FromRocks(s, absl::StrCat("creating a checkpoint in ", dir));
  if (absl::IsInternal(status)) return absl::UnavailableError(status.message());
  return status;
}

std::vector<Database::DamagedFile> Database::CheckFiles() const {
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  std::vector<DamagedFile> damaged;
  for (const rocksdb::LiveFileMetaData& f : files) {
    const std::string path = f.directory + "/" + f.relative_filename;
    rocksdb::SstFileReader reader(rocksdb::Options(db_->GetDBOptions(), rocksdb::ColumnFamilyOptions()));
    rocksdb::Status s = reader.Open(path);
    if (s.ok()) s = reader.VerifyChecksum();
    if (!s.ok()) {
      damaged.push_back({path, f.column_family_name, f.smallestkey, f.largestkey, s.ToString()});
    }
  }
  return damaged;
}

}  // namespace lineage
