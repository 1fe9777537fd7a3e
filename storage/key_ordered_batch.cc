#include "storage/key_ordered_batch.h"

#include <algorithm>
#include <cstdint>

namespace lineage {
namespace {

struct Write {
  uint32_t family;
  bool is_delete;
  rocksdb::Slice key;    // Into the source batch.
  rocksdb::Slice value;
};

// Collects puts and deletes; any other record makes Iterate fail.
class Collector : public rocksdb::WriteBatch::Handler {
 public:
  explicit Collector(std::vector<Write>& writes) : writes_(writes) {}
  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    writes_.push_back({family, false, key, value});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t family, const rocksdb::Slice& key) override {
    writes_.push_back({family, true, key, rocksdb::Slice()});
    return rocksdb::Status::OK();
  }
  // A WAL-only blob has no key to order by.
  void LogData(const rocksdb::Slice&) override { unsupported_ = true; }
  bool unsupported() const { return unsupported_; }

 private:
  std::vector<Write>& writes_;
  bool unsupported_ = false;
};

}  // namespace

std::optional<rocksdb::WriteBatch> KeyOrderedCopy(
    const rocksdb::WriteBatch& batch,
    const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  std::vector<Write> writes;
  writes.reserve(static_cast<size_t>(batch.Count()));
  Collector collector(writes);
  if (!batch.Iterate(&collector).ok() || collector.unsupported()) return std::nullopt;
  // Column family handles by ID (a few dozen at most).
  std::vector<rocksdb::ColumnFamilyHandle*> by_id;
  for (rocksdb::ColumnFamilyHandle* f : families) {
    if (f->GetID() >= by_id.size()) by_id.resize(f->GetID() + 1, nullptr);
    by_id[f->GetID()] = f;
  }
  for (const Write& w : writes) {
    if (w.family >= by_id.size() || by_id[w.family] == nullptr) return std::nullopt;
  }
  std::stable_sort(writes.begin(), writes.end(), [](const Write& a, const Write& b) {
    if (a.family != b.family) return a.family < b.family;
    return a.key.compare(b.key) < 0;
  });
  rocksdb::WriteBatch ordered(batch.GetDataSize());
  for (const Write& w : writes) {
    rocksdb::ColumnFamilyHandle* family = by_id[w.family];
    rocksdb::Status s = w.is_delete ? ordered.Delete(family, w.key)
                                    : ordered.Put(family, w.key, w.value);
    if (!s.ok()) return std::nullopt;
  }
  return ordered;
}

}  // namespace lineage
