// KeyOrderedCopy: the same writes as a RocksDB WriteBatch, reordered by
// (column family, key), for the memtable inserts at commit.
//
// The log writer's batches interleave keys from hundreds of events (log
// leaves, node records, edges, names) in event order, so each skip-list
// insert searches the memtable from its top level. In key order, each
// insert starts from the splice the previous one left, which is most of
// the single writer's commit cost. Writes to one key keep their order
// (the sort is stable), so the committed state is the same; the batch is
// still written, and synced, as one atomic unit.
//
// Thread-safety: pure function over its arguments.
#ifndef LINEAGE_STORAGE_KEY_ORDERED_BATCH_H_
#define LINEAGE_STORAGE_KEY_ORDERED_BATCH_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <optional>
#include <vector>

namespace lineage {

// `batch` reordered, or nullopt when it holds anything but puts and deletes
// in `families` (the caller then writes it as it is).
std::optional<rocksdb::WriteBatch> KeyOrderedCopy(
    const rocksdb::WriteBatch& batch,
    const std::vector<rocksdb::ColumnFamilyHandle*>& families);

}  // namespace lineage

#endif  // LINEAGE_STORAGE_KEY_ORDERED_BATCH_H_
