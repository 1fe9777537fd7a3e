// AuditLog over real RocksDB: a record's node index entries follow it in a
// later, unsynced batch, yet a query by node finds every record whose
// answer was released, and a start after a crash between the two batches
// writes the missing entries.
#include "server/audit/audit_log.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/big_endian.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "storage/audit_store.h"
#include "storage/database.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

v1::AccessRecord Named(const std::vector<uint64_t>& nodes) {
  v1::AccessRecord record;
  record.set_principal("auditor");
  record.set_method("lineage.v1.LineageService/Traverse");
  for (uint64_t id : nodes) record.add_node_ids(id);
  return record;
}

// Writes `record` and waits until its answer would be released.
absl::Status RecordAndWait(AuditLog& log, v1::AccessRecord record) {
  absl::Notification done;
  absl::Status result;
  log.Record(std::move(record), [&](absl::Status s) {
    result = s;
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

std::vector<uint64_t> SequencesNaming(const AuditLog& log, uint64_t node) {
  v1::QueryAccessLogRequest request;
  request.set_node_id(node);
  absl::StatusOr<v1::QueryAccessLogResponse> response = log.Query(request);
  EXPECT_TRUE(response.ok()) << response.status();
  std::vector<uint64_t> out;
  if (response.ok()) {
    for (const v1::AccessRecord& r : response->records()) out.push_back(r.sequence());
  }
  return out;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = *Database::Open({.path = dir_.path()}); }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  SystemClock clock_;
};

TEST_F(AuditLogTest, AQueryByNodeFindsEveryRecordWhoseAnswerWasReleased) {
  AuditLog log(*db_, clock_);
  for (uint64_t i = 0; i < 60; ++i) {
    // Each record names 1,000 nodes, as a large answer does; node 1000 + i
    // only this one.
    std::vector<uint64_t> nodes;
    for (uint64_t n = 0; n < 999; ++n) nodes.push_back(100000 + n);
    nodes.push_back(1000 + i);
    ASSERT_TRUE(RecordAndWait(log, Named(nodes)).ok());
    EXPECT_EQ(SequencesNaming(log, 1000 + i), std::vector<uint64_t>{i}) << "record " << i;
  }
  EXPECT_EQ(SequencesNaming(log, 100500).size(), 60u);
  // Nothing is left marked as pending once the entries are written.
  AuditStore store(*db_);
  absl::StatusOr<std::vector<std::string>> pending = store.ReadPendingIndex();
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_TRUE(pending->empty());
}

TEST_F(AuditLogTest, AStartWritesTheNodeEntriesACrashKeptFromBeingWritten) {
  // What a crash between a group's synced batch and its node index batch
  // leaves: the records and the pending marker, no node entries. The marker
  // also names a record whose own batch was lost: it is skipped.
  AuditStore store(*db_);
  const std::string first = AuditStore::RecordKey(1700000000000000, 0);
  const std::string second = AuditStore::RecordKey(1700000000000000, 1);
  const std::string lost = AuditStore::RecordKey(1700000000000000, 2);
  {
    WriteBatch batch(*db_);
    v1::AccessRecord a = Named({11, 12});
    a.set_sequence(0);
    v1::AccessRecord b = Named({12, 13});
    b.set_sequence(1);
    store.Put(batch, first, a.principal(), a.SerializeAsString());
    store.Put(batch, second, b.principal(), b.SerializeAsString());
    store.PutNextSequence(batch, 2);
    store.PutPendingIndex(batch, {first, second, lost});
    ASSERT_TRUE(db_->Write(batch, /*sync=*/true).ok());
  }
  {
    AuditLog before(*db_, clock_);  // Its start writes the entries.
    EXPECT_EQ(SequencesNaming(before, 11), std::vector<uint64_t>{0});
    EXPECT_EQ(SequencesNaming(before, 12), (std::vector<uint64_t>{0, 1}));
    EXPECT_EQ(SequencesNaming(before, 13), std::vector<uint64_t>{1});
    // New records continue the sequence.
    ASSERT_TRUE(RecordAndWait(before, Named({13})).ok());
    EXPECT_EQ(SequencesNaming(before, 13), (std::vector<uint64_t>{1, 2}));
  }
  absl::StatusOr<std::vector<std::string>> pending = store.ReadPendingIndex();
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_TRUE(pending->empty());
  // And after another start, all of it is still there.
  AuditLog after(*db_, clock_);
  EXPECT_EQ(SequencesNaming(after, 12), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(SequencesNaming(after, 13), (std::vector<uint64_t>{1, 2}));
}

// Index keys of `prefix` (one letter) in audit_index.
size_t IndexKeys(Database& db, absl::string_view prefix) {
  size_t n = 0;
  EXPECT_TRUE(db.Scan(Column::kAuditIndex, prefix, prefix, [&](absl::string_view, absl::string_view) {
    ++n;
    return true;
  }).ok());
  return n;
}

TEST_F(AuditLogTest, NodesSharingABucketAreToldApart) {
  AuditLog log(*db_, clock_);
  // 255 and 256 straddle a bucket boundary; 300 and 301 share one.
  ASSERT_TRUE(RecordAndWait(log, Named({300, 255})).ok());   // 0
  ASSERT_TRUE(RecordAndWait(log, Named({301, 256})).ok());   // 1
  std::vector<uint64_t> many;  // 1,000 nodes in 4 buckets: 4 keys.
  for (uint64_t n = 1024; n < 2024; ++n) many.push_back(n);
  ASSERT_TRUE(RecordAndWait(log, Named(many)).ok());          // 2
  EXPECT_EQ(SequencesNaming(log, 300), std::vector<uint64_t>{0});
  EXPECT_EQ(SequencesNaming(log, 301), std::vector<uint64_t>{1});
  EXPECT_EQ(SequencesNaming(log, 255), std::vector<uint64_t>{0});
  EXPECT_EQ(SequencesNaming(log, 256), std::vector<uint64_t>{1});
  EXPECT_TRUE(SequencesNaming(log, 302).empty());
  EXPECT_EQ(SequencesNaming(log, 1024), std::vector<uint64_t>{2});
  EXPECT_EQ(SequencesNaming(log, 2023), std::vector<uint64_t>{2});
  EXPECT_TRUE(SequencesNaming(log, 2024).empty());
  EXPECT_EQ(IndexKeys(*db_, "b"), 2u + 1u + 4u);  // 301 and 256 share bucket 1.
}

TEST_F(AuditLogTest, AStartConvertsFormatOneNodeEntries) {
  // Format 1 wrote one empty key per node: 'n' || node || record key. Record
  // 0 named 7 and 9; record 1 named 9, and a migration a crash cut short
  // already moved its node 8 into a bucketed entry.
  AuditStore store(*db_);
  const std::string first = AuditStore::RecordKey(1700000000000000, 0);
  const std::string second = AuditStore::RecordKey(1700000000000000, 1);
  {
    WriteBatch batch(*db_);
    v1::AccessRecord a = Named({7, 9});
    a.set_sequence(0);
    v1::AccessRecord b = Named({8, 9});
    b.set_sequence(1);
    store.Put(batch, first, a.principal(), a.SerializeAsString());
    store.Put(batch, second, b.principal(), b.SerializeAsString());
    store.PutNextSequence(batch, 2);
    for (const auto& [node, key] : std::vector<std::pair<uint64_t, std::string>>{
             {7, first}, {9, first}, {9, second}}) {
      batch.Put(Column::kAuditIndex, "n" + BigEndian64(node) + key, "");
    }
    store.PutNodeIndex(batch, second, std::vector<uint64_t>{8});
    ASSERT_TRUE(db_->Write(batch, /*sync=*/true).ok());
  }
  AuditLog log(*db_, clock_);
  EXPECT_EQ(SequencesNaming(log, 7), std::vector<uint64_t>{0});
  EXPECT_EQ(SequencesNaming(log, 8), std::vector<uint64_t>{1});
  EXPECT_EQ(SequencesNaming(log, 9), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(IndexKeys(*db_, "n"), 0u);
  EXPECT_EQ(IndexKeys(*db_, "b"), 2u);
}

}  // namespace
}  // namespace lineage
