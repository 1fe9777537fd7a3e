// KeyOrderedCopy and Database::Write's use of it, on real RocksDB: a large
// batch is committed in key order with exactly the state the batch in its
// own order gives (later writes to a key win, deletes included), and
// batches it cannot reorder are refused rather than changed.
#include "storage/key_ordered_batch.h"

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

class KeyOrderedBatchTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = *Database::Open({.path = dir_.path()}); }

  std::map<std::string, std::string> Contents(Column column) {
    std::map<std::string, std::string> out;
    EXPECT_TRUE(db_->Scan(column, "", "", [&](absl::string_view k, absl::string_view v) {
                      out.emplace(std::string(k), std::string(v));
                      return true;
                    }).ok());
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(KeyOrderedBatchTest, ALargeBatchCommitsWhatItsOwnOrderGives) {
  const Column columns[] = {Column::kGraphNodes, Column::kGraphNames};
  std::map<std::string, std::string> want[2];
  // Committed before: some of these keys are overwritten or deleted below.
  {
    WriteBatch batch(*db_);
    for (int i = 0; i < 20; ++i) {
      batch.Put(columns[i % 2], absl::StrCat("k", i), "old");
      want[i % 2][absl::StrCat("k", i)] = "old";
    }
    ASSERT_TRUE(db_->Write(batch, /*sync=*/false).ok());
  }
  std::mt19937 rng(7);
  WriteBatch batch(*db_);
  for (int i = 0; i < 500; ++i) {  // Far above the size that is reordered.
    const int c = static_cast<int>(rng() % 2);
    const std::string key = absl::StrCat("k", rng() % 40);  // Many repeats.
    if (rng() % 5 == 0) {
      batch.Delete(columns[c], key);
      want[c].erase(key);
    } else {
      const std::string value = absl::StrCat("v", i);
      if (rng() % 2 == 0) {
        batch.Put(columns[c], key, value);
      } else {
        batch.PutBlind(columns[c], key, value);
      }
      want[c][key] = value;
    }
  }
  ASSERT_TRUE(db_->Write(batch, /*sync=*/true).ok());
  EXPECT_EQ(Contents(columns[0]), want[0]);
  EXPECT_EQ(Contents(columns[1]), want[1]);
}

// Records the (family, key) order of a batch.
class Order : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice&) override {
    seen.emplace_back(family, key.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t family, const rocksdb::Slice& key) override {
    seen.emplace_back(family, key.ToString());
    return rocksdb::Status::OK();
  }
  std::vector<std::pair<uint32_t, std::string>> seen;
};

// A plain RocksDB with column families "a" and "b".
struct RawDb {
  explicit RawDb(const std::string& path) {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, {}}, {"a", {}}, {"b", {}}};
    rocksdb::DB* raw = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open(options, path, families, &handles, &raw).ok());
    db.reset(raw);
  }
  ~RawDb() {
    for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  }
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
};

TEST(KeyOrderedCopyTest, TheCopyIsInKeyOrderAndKeepsEveryWrite) {
  testing::TempDir dir;
  RawDb raw(dir.path());
  rocksdb::ColumnFamilyHandle* a = raw.handles[1];
  rocksdb::ColumnFamilyHandle* b = raw.handles[2];
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(b, "m", "1").ok());
  ASSERT_TRUE(batch.Put(a, "z", "2").ok());
  ASSERT_TRUE(batch.Delete(a, "c").ok());
  ASSERT_TRUE(batch.Put(a, "c", "3").ok());  // After the delete: must stay after it.
  ASSERT_TRUE(batch.Put(b, "a", "4").ok());
  std::optional<rocksdb::WriteBatch> copy = KeyOrderedCopy(batch, {a, b});
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ(copy->Count(), batch.Count());
  Order order;
  ASSERT_TRUE(copy->Iterate(&order).ok());
  const uint32_t fa = a->GetID(), fb = b->GetID();
  ASSERT_LT(fa, fb);
  const std::vector<std::pair<uint32_t, std::string>> want = {
      {fa, "c"}, {fa, "c"}, {fa, "z"}, {fb, "a"}, {fb, "m"}};
  EXPECT_EQ(order.seen, want);
  // The delete of "c" still precedes its put: "c" ends up present.
  ASSERT_TRUE(raw.db->Write(rocksdb::WriteOptions(), &*copy).ok());
  std::string value;
  ASSERT_TRUE(raw.db->Get(rocksdb::ReadOptions(), a, "c", &value).ok());
  EXPECT_EQ(value, "3");
}

TEST(KeyOrderedCopyTest, BatchesItCannotReorderAreRefused) {
  testing::TempDir dir;
  RawDb raw(dir.path());
  rocksdb::ColumnFamilyHandle* a = raw.handles[1];
  rocksdb::WriteBatch with_blob;
  ASSERT_TRUE(with_blob.Put(a, "k", "v").ok());
  ASSERT_TRUE(with_blob.PutLogData("wal only").ok());
  EXPECT_FALSE(KeyOrderedCopy(with_blob, {a}).has_value());
  rocksdb::WriteBatch other_family;
  ASSERT_TRUE(other_family.Put(raw.handles[2], "k", "v").ok());
  EXPECT_FALSE(KeyOrderedCopy(other_family, {a}).has_value());
  rocksdb::WriteBatch with_merge;
  ASSERT_TRUE(with_merge.Merge(a, "k", "v").ok());
  EXPECT_FALSE(KeyOrderedCopy(with_merge, {a}).has_value());
  rocksdb::WriteBatch plain;
  ASSERT_TRUE(plain.Put(a, "k", "v").ok());
  EXPECT_TRUE(KeyOrderedCopy(plain, {a}).has_value());
}

}  // namespace
}  // namespace lineage
