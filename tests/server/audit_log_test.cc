// AuditLog over real RocksDB: a record's node index entries follow it in a
// later, unsynced batch, yet a query by node finds every record whose
// answer was released, and a start after a crash between the two batches
// writes the missing entries. Records opened before their answer is known
// are completed later, waited for by queries by node, and recomputed after
// a crash left them open.
#include "server/audit/audit_log.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
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

// Calls `call(callback)` and waits for the callback's result.
template <typename Result, typename Call>
Result WaitFor(Call call) {
  absl::Notification done;
  Result result;
  call([&](Result r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

// Writes `record` and waits until its answer would be released.
absl::Status RecordAndWait(AuditLog& log, v1::AccessRecord record) {
  return WaitFor<absl::Status>([&](auto done) { log.Record(std::move(record), std::move(done)); });
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

// Opens `record` and waits until it is durable.
absl::StatusOr<v1::AccessRecord> OpenAndWait(AuditLog& log, v1::AccessRecord record) {
  return WaitFor<absl::StatusOr<v1::AccessRecord>>(
      [&](auto done) { log.Open(std::move(record), std::move(done)); });
}

absl::Status CompleteAndWait(AuditLog& log, v1::AccessRecord record) {
  return WaitFor<absl::Status>([&](auto done) { log.Complete(std::move(record), std::move(done)); });
}

std::vector<v1::AccessRecord> AllRecords(const AuditLog& log) {
  absl::StatusOr<v1::QueryAccessLogResponse> response = log.Query({});
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) return {};
  return {response->records().begin(), response->records().end()};
}

v1::AccessRecord Asking(const std::string& request) {
  v1::AccessRecord record = Named({});
  record.set_tree_size(12);
  record.set_pending_request(request);
  return record;
}

TEST_F(AuditLogTest, AnOpenedRecordIsDurableAtOnceAndCompletedWithItsAnswerLater) {
  AuditLog log(*db_, clock_);
  absl::StatusOr<v1::AccessRecord> opened = OpenAndWait(log, Asking("request bytes"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->sequence(), 0u);
  EXPECT_TRUE(opened->answer_pending());
  // Stored as opened, and named as open.
  AuditStore store(*db_);
  absl::StatusOr<std::vector<std::string>> open_keys = store.ReadOpenRecords();
  ASSERT_TRUE(open_keys.ok()) << open_keys.status();
  ASSERT_EQ(open_keys->size(), 1u);
  v1::AccessRecord stored_open;
  ASSERT_TRUE(stored_open.ParseFromString(*store.ReadRecord((*open_keys)[0])));
  EXPECT_TRUE(stored_open.answer_pending());
  EXPECT_EQ(stored_open.pending_request(), "request bytes");
  EXPECT_EQ(stored_open.sequence(), 0u);

  // A query (by node here) waits for the open record's answer.
  std::atomic<bool> completing{false};
  std::vector<uint64_t> found;
  bool answered_before_completion = false;
  std::thread query([&] {
    found = SequencesNaming(log, 42);
    answered_before_completion = !completing.load();
  });
  absl::SleepFor(absl::Milliseconds(50));
  completing = true;
  v1::AccessRecord answered = *opened;
  answered.add_node_ids(42);
  answered.set_nodes_answered(1);
  ASSERT_TRUE(CompleteAndWait(log, answered).ok());
  query.join();
  EXPECT_FALSE(answered_before_completion);
  EXPECT_EQ(found, std::vector<uint64_t>{0});

  std::vector<v1::AccessRecord> stored = AllRecords(log);
  ASSERT_EQ(stored.size(), 1u);  // The same record, not a second one.
  EXPECT_FALSE(stored[0].answer_pending());
  EXPECT_TRUE(stored[0].pending_request().empty());
  EXPECT_EQ(stored[0].tree_size(), 12u);
  EXPECT_EQ(stored[0].nodes_answered(), 1u);
  EXPECT_FALSE(stored[0].answer_recomputed());
  EXPECT_TRUE(store.ReadOpenRecords()->empty());

  // Completing it again is refused; new records continue the sequence.
  absl::Status again = CompleteAndWait(log, answered);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
  ASSERT_TRUE(RecordAndWait(log, Named({42})).ok());
  EXPECT_EQ(SequencesNaming(log, 42), (std::vector<uint64_t>{0, 1}));
}

TEST_F(AuditLogTest, AStartRecomputesTheAnswersOfRecordsACrashLeftOpen) {
  {
    // Opened, then the server stopped before their answers were written.
    AuditLog log(*db_, clock_);
    ASSERT_TRUE(OpenAndWait(log, Asking("answerable")).ok());
    ASSERT_TRUE(OpenAndWait(log, Asking("unanswerable")).ok());
  }
  AuditLog log(*db_, clock_);
  std::vector<std::string> asked;
  absl::StatusOr<size_t> recovered =
      log.RecoverOpen([&](const v1::AccessRecord& open) -> absl::StatusOr<v1::AccessRecord> {
        asked.push_back(open.pending_request());
        EXPECT_EQ(open.tree_size(), 12u);
        if (open.pending_request() == "unanswerable") return absl::NotFoundError("node 9 gone");
        v1::AccessRecord answered = open;
        answered.add_node_ids(77);
        answered.set_nodes_answered(1);
        return answered;
      });
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(*recovered, 2u);
  EXPECT_EQ(asked, (std::vector<std::string>{"answerable", "unanswerable"}));
  EXPECT_EQ(SequencesNaming(log, 77), std::vector<uint64_t>{0});
  std::vector<v1::AccessRecord> stored = AllRecords(log);
  ASSERT_EQ(stored.size(), 2u);
  for (const v1::AccessRecord& r : stored) {
    EXPECT_FALSE(r.answer_pending());
    EXPECT_TRUE(r.answer_recomputed());
    EXPECT_TRUE(r.pending_request().empty());
  }
  EXPECT_EQ(stored[0].status_code(), 0);
  EXPECT_EQ(stored[1].status_code(), static_cast<int>(absl::StatusCode::kNotFound));
  EXPECT_EQ(stored[1].status_message(),
            "recomputing the answer after a restart failed: node 9 gone");
  AuditStore store(*db_);
  EXPECT_TRUE(store.ReadOpenRecords()->empty());
}

TEST_F(AuditLogTest, NothingOpenMeansNothingToRecover) {
  AuditLog log(*db_, clock_);
  ASSERT_TRUE(RecordAndWait(log, Named({1})).ok());
  int calls = 0;
  absl::StatusOr<size_t> recovered =
      log.RecoverOpen([&](const v1::AccessRecord& open) -> absl::StatusOr<v1::AccessRecord> {
        ++calls;
        return open;
      });
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(*recovered, 0u);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace lineage
