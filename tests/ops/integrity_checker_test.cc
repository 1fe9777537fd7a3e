// IntegrityChecker on real ledgers: a clean log verifies; damage to any
// stored value, tree node, derived index row or file is reported naming the
// column, the key and the log index.
#include "server/ledger/integrity_checker.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "crypto/envelope_record.h"
#include "crypto/leaf.h"
#include "crypto/merkle_hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/schema.h"
#include "tests/testing/events.h"
#include "tests/testing/ledger_harness.h"

namespace lineage {
namespace {

namespace fs = std::filesystem;
using ::lineage::testing::LedgerHarness;
using ::lineage::testing::MakeRunEvent;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Optional;

class IntegrityCheckerTest : public ::testing::Test {
 protected:
  // A log of 12 entries: 2 key registrations, 9 events, 1 revocation.
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    auto signer = harness_.AddProducer({"acme.ml/*"});
    ASSERT_TRUE(signer.ok()) << signer.status();
    auto other = harness_.AddProducer({"acme.ml/*"});
    ASSERT_TRUE(other.ok()) << other.status();
    for (int i = 0; i < 9; ++i) {
      auto r = harness_.client().AppendEvents(
          {signer->Sign(MakeRunEvent("acme.ml/fraud", absl::StrCat("e", i)))});
      ASSERT_TRUE(r.ok()) << r.status();
      ASSERT_EQ(r->receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED);
    }
    ASSERT_TRUE(harness_.client().RevokeKey(other->key_id().ToHex(), "rotated").ok());
    auto checkpoint = harness_.client().GetCheckpoint();
    ASSERT_TRUE(checkpoint.ok());
    ASSERT_EQ(checkpoint->tree_size(), 12u);
    checkpoint_note_ = checkpoint->note();
    harness_.Stop();
  }

  IntegrityReport Verify(IntegrityChecker::Options options = {}) {
    absl::StatusOr<IntegrityReport> report =
        VerifyDatabase(harness_.data_dir(), harness_.verifier().note_verifier(), options);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : IntegrityReport();
  }

  // Opens the database, lets `change` write to it, closes it.
  void Tamper(const std::function<void(Database&, WriteBatch&)>& change) {
    auto db = Database::Open({.path = harness_.data_dir(), .block_cache_bytes = 1 << 20});
    ASSERT_TRUE(db.ok()) << db.status();
    WriteBatch batch(**db);
    change(**db, batch);
    ASSERT_TRUE((*db)->Write(batch, true).ok());
  }

  void FlipByte(Column column, const std::string& key, size_t offset) {
    Tamper([&](Database& db, WriteBatch& batch) {
      std::string value = *db.Get(column, key);
      value[offset] ^= 0x01;
      batch.Put(column, key, value);
    });
  }

  std::string Dump(const IntegrityReport& report) {
    std::string out;
    for (const IntegrityFinding& f : report.findings) absl::StrAppend(&out, f.ToString(), "\n");
    return out;
  }

  LedgerHarness harness_;
  std::string checkpoint_note_;
};

auto FindingAt(const std::string& column, uint64_t index, const std::string& problem) {
  return AllOf(Field(&IntegrityFinding::column, column),
               Field(&IntegrityFinding::index, Optional(index)),
               Field(&IntegrityFinding::problem, HasSubstr(problem)));
}

auto FindingFor(const std::string& column, const std::string& key, const std::string& problem) {
  return AllOf(Field(&IntegrityFinding::column, column), Field(&IntegrityFinding::key, key),
               Field(&IntegrityFinding::problem, HasSubstr(problem)));
}

TEST_F(IntegrityCheckerTest, CleanLedgerVerifiesEndToEnd) {
  IntegrityReport report = Verify({.checkpoints = {{"client", checkpoint_note_}}});
  EXPECT_TRUE(report.ok()) << Dump(report);
  EXPECT_EQ(report.tree_size, 12u);
  EXPECT_EQ(report.signatures_verified, 9u);
  EXPECT_EQ(report.checkpoints_matched, 2u);
  EXPECT_EQ(report.nodes_checked, 12u + 6 + 3 + 1);
}

TEST_F(IntegrityCheckerTest, FlippedLeafByteNamesTheLeafAndItsNodes) {
  FlipByte(Column::kLeaves, schema::IndexKey(5), 40);  // Inside the commitment.
  IntegrityReport report = Verify();
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(report.findings, Contains(FindingAt("entries", 5, "does not commit"))) << Dump(report);
  EXPECT_THAT(report.findings, Contains(FindingFor("nodes", "level 0 index 5", "differs")));
  EXPECT_THAT(report.findings, Contains(FindingAt("leaf_index", 5, "missing")));
}

TEST_F(IntegrityCheckerTest, FlippedEntryByteNamesTheEntry) {
  FlipByte(Column::kEntries, schema::IndexKey(3), 100);
  IntegrityReport report = Verify();
  EXPECT_THAT(report.findings, Contains(FindingAt("entries", 3, "does not commit"))) << Dump(report);
  EXPECT_EQ(report.finding_count, 1u) << Dump(report);
}

TEST_F(IntegrityCheckerTest, ForgedSignatureUnderAConsistentLeafIsFound) {
  // Rewrite entry 4's signature and its leaf's commitment to match, as an
  // attacker with write access to the database might.
  Tamper([&](Database& db, WriteBatch& batch) {
    std::string value = *db.Get(Column::kEntries, schema::IndexKey(4));
    value[value.size() - 3] ^= 0x01;  // Inside the 64-byte signature.
    batch.Put(Column::kEntries, schema::IndexKey(4), value);
    Leaf leaf = *DecodeLeaf(*db.Get(Column::kLeaves, schema::IndexKey(4)));
    leaf.commitment = CommitToRecord(value.substr(0, 32), value.substr(32));
    batch.Put(Column::kLeaves, schema::IndexKey(4), EncodeLeaf(leaf));
  });
  IntegrityReport report = Verify();
  EXPECT_THAT(report.findings, Contains(FindingAt("entries", 4, "signature does not verify")))
      << Dump(report);
  EXPECT_THAT(report.findings, Contains(FindingFor("nodes", "level 0 index 4", "differs")));
}

TEST_F(IntegrityCheckerTest, FlippedTreeNodeNamesLevelAndIndex) {
  FlipByte(Column::kNodes, schema::NodeKey(2, 1), 0);
  IntegrityReport report = Verify();
  EXPECT_THAT(report.findings, Contains(FindingFor("nodes", "level 2 index 1", "differs")))
      << Dump(report);
  EXPECT_EQ(report.finding_count, 1u) << Dump(report);
}

TEST_F(IntegrityCheckerTest, TreeHeadAndCheckpointRootsAreMatched) {
  FlipByte(Column::kMeta, std::string(schema::kTreeHeadKey), 20);
  IntegrityReport report = Verify();
  EXPECT_THAT(report.findings, Contains(FindingFor("default", "tree_head", "differs")))
      << Dump(report);
}

TEST_F(IntegrityCheckerTest, DamagedCheckpointSignatureIsFound) {
  Tamper([&](Database& db, WriteBatch& batch) {
    std::string note = *db.Get(Column::kMeta, schema::kCheckpointKey);
    note[note.size() - 10] = note[note.size() - 10] == 'A' ? 'B' : 'A';
    batch.Put(Column::kMeta, schema::kCheckpointKey, note);
  });
  IntegrityReport report = Verify();
  EXPECT_THAT(report.findings, Contains(FindingFor("checkpoint", "meta/checkpoint", "does not verify")))
      << Dump(report);
}

TEST_F(IntegrityCheckerTest, EventIdRowsAreMatchedWithTheReplay) {
  const std::string id3 = schema::EventIdKey("acme.ml/fraud", "event-e3");
  const std::string id4 = schema::EventIdKey("acme.ml/fraud", "event-e4");
  Tamper([&](Database& db, WriteBatch& batch) {
    std::string value = *db.Get(Column::kEventIds, id3);
    value.replace(0, 8, BigEndian64(7));  // Points at another entry.
    batch.Put(Column::kEventIds, id3, value);
    batch.Delete(Column::kEventIds, id4);
    batch.Put(Column::kEventIds, schema::EventIdKey("acme.ml/fraud", "ghost"),
              BigEndian64(99) + std::string(32, 'x'));
  });
  IntegrityReport report = Verify();
  EXPECT_THAT(report.findings, Contains(AllOf(FindingAt("event_ids", 5, "another index"),
                                              Field(&IntegrityFinding::got, "index 7"))))
      << Dump(report);
  EXPECT_THAT(report.findings, Contains(FindingAt("event_ids", 6, "missing")));
  EXPECT_THAT(report.findings, Contains(FindingAt("event_ids", 99, "beyond the tree")));
}

TEST_F(IntegrityCheckerTest, LeafIndexAndKeyRowsAreMatchedWithTheReplay) {
  std::string revoked_key_id;
  Tamper([&](Database& db, WriteBatch& batch) {
    ASSERT_TRUE(db.Scan(Column::kKeys, "", "", [&](absl::string_view key, absl::string_view value) {
                    v1::ProducerKey record;
                    record.ParseFromArray(value.data(), static_cast<int>(value.size()));
                    if (!record.has_revoked_at()) return true;
                    revoked_key_id = record.key_id();
                    record.clear_revoked_at();  // Un-revoke it.
                    batch.Put(Column::kKeys, key, record.SerializeAsString());
                    return true;
                  }).ok());
    batch.Put(Column::kLeafIndex, std::string(32, 'z'), BigEndian64(3));
  });
  ASSERT_FALSE(revoked_key_id.empty());
  IntegrityReport report = Verify();
  EXPECT_THAT(report.findings, Contains(FindingFor("keys", revoked_key_id, "differs from the replay")))
      << Dump(report);
  EXPECT_THAT(report.findings, Contains(AllOf(Field(&IntegrityFinding::column, "leaf_index"), Field(&IntegrityFinding::problem, HasSubstr("no leaf in the log explains")))));
}

TEST_F(IntegrityCheckerTest, MissingLeafAndEntryBeyondTheHeadAreNamed) {
  Tamper([&](Database& db, WriteBatch& batch) {
    batch.Delete(Column::kLeaves, schema::IndexKey(8));
    batch.Put(Column::kEntries, schema::IndexKey(12), std::string(40, 'y'));
  });
  IntegrityReport report = Verify();
  EXPECT_THAT(report.findings, Contains(FindingAt("leaves", 8, "missing"))) << Dump(report);
  EXPECT_THAT(report.findings, Contains(FindingAt("entries", 12, "beyond the tree head")));
  // The lost leaf does not cascade into every later node.
  for (const IntegrityFinding& f : report.findings) EXPECT_NE(f.column, "nodes") << f.ToString();
}

// The largest SST file of the flushed database.
std::string LargestSstFile(const std::string& dir) {
  std::string best;
  uintmax_t best_size = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".sst" && e.file_size() > best_size) {
      best = e.path().string();
      best_size = e.file_size();
    }
  }
  return best;
}

TEST_F(IntegrityCheckerTest, FlippedByteInAnSstFileNamesTheFile) {
  Tamper([](Database& db, WriteBatch&) { ASSERT_TRUE(db.Flush().ok()); });
  const std::string sst = LargestSstFile(harness_.data_dir());
  ASSERT_FALSE(sst.empty());
  {
    std::fstream f(sst, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);
    char c;
    f.read(&c, 1);
    c ^= 0x40;
    f.seekp(100);
    f.write(&c, 1);
  }
  IntegrityReport report = Verify();
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(report.findings,
              Contains(AllOf(Field(&IntegrityFinding::column, "files"),
                             Field(&IntegrityFinding::key, sst),
                             Field(&IntegrityFinding::problem, HasSubstr("damaged")))))
      << Dump(report);
}

TEST_F(IntegrityCheckerTest, TruncatedSstFileIsNamed) {
  Tamper([](Database& db, WriteBatch&) { ASSERT_TRUE(db.Flush().ok()); });
  const std::string sst = LargestSstFile(harness_.data_dir());
  ASSERT_FALSE(sst.empty());
  fs::resize_file(sst, fs::file_size(sst) / 2);
  IntegrityReport report = Verify();
  EXPECT_FALSE(report.ok());
  EXPECT_THAT(Dump(report), HasSubstr(fs::path(sst).filename().string())) << Dump(report);
}

TEST_F(IntegrityCheckerTest, TruncatedWalLosesEntriesACheckpointVouchedFor) {
  std::string wal;
  for (const auto& e : fs::directory_iterator(harness_.data_dir())) {
    if (e.path().extension() == ".log" && e.file_size() > 0) wal = e.path().string();
  }
  ASSERT_FALSE(wal.empty());
  fs::resize_file(wal, fs::file_size(wal) / 2);
  IntegrityReport report = Verify({.checkpoints = {{"client", checkpoint_note_}}});
  EXPECT_THAT(report.findings,
              Contains(FindingFor("checkpoint", "client", "acknowledged entries are missing")))
      << Dump(report);
}

}  // namespace
}  // namespace lineage
