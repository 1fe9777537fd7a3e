// LogService over real gRPC: proofs, entries, and the chain across restarts.
#include <set>

#include "absl/strings/str_cat.h"
#include "crypto/checkpoint.h"
#include "crypto/envelope_record.h"
#include "crypto/formats.h"
#include "crypto/leaf.h"
#include "crypto/merkle_hash.h"
#include "crypto/merkle_verify.h"
#include "crypto/signed_note.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "tests/testing/events.h"
#include "tests/testing/ledger_harness.h"

namespace lineage {
namespace {

using ::lineage::testing::LedgerHarness;
using ::lineage::testing::MakeRunEvent;
using ::testing::HasSubstr;

class LogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    auto signer = harness_.AddProducer({"*"});
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = std::make_unique<EventSigner>(*std::move(signer));
  }

  // Appends `n` events in batches; returns what was sent and received.
  std::vector<std::pair<v1::SignedEvent, v1::Receipt>> Append(int n, const std::string& tag) {
    std::vector<std::pair<v1::SignedEvent, v1::Receipt>> out;
    for (int begin = 0; begin < n; begin += 50) {
      std::vector<v1::SignedEvent> batch;
      for (int i = begin; i < std::min(n, begin + 50); ++i) {
        batch.push_back(signer_->Sign(MakeRunEvent("ns", absl::StrCat(tag, "-", i))));
      }
      auto response = harness_.client().AppendEvents(batch);
      EXPECT_TRUE(response.ok()) << response.status();
      for (size_t i = 0; i < batch.size(); ++i) out.emplace_back(batch[i], response->receipts(i));
    }
    return out;
  }

  Checkpoint Latest() {
    auto note = harness_.client().GetCheckpoint();
    EXPECT_TRUE(note.ok()) << note.status();
    auto checkpoint = harness_.verifier().VerifyCheckpoint(*note);
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status();
    return *checkpoint;
  }

  LedgerHarness harness_;
  std::unique_ptr<EventSigner> signer_;
};

TEST_F(LogServiceTest, EveryLeafHasAnInclusionProofAtEverySize) {
  Append(37, "sizes");
  const Checkpoint latest = Latest();
  for (uint64_t size = 1; size <= latest.size; ++size) {
    auto old_proof = harness_.client().GetConsistencyProof(size, latest.size);
    ASSERT_TRUE(old_proof.ok()) << old_proof.status();
    for (uint64_t index = 0; index < size; index += 5) {
      auto proof = harness_.client().GetInclusionProofByIndex(index, size);
      ASSERT_TRUE(proof.ok()) << proof.status();
      // Recompute the root of `size` from the proof and check it is
      // consistent with the signed latest checkpoint.
      std::vector<Hash> path;
      for (const std::string& h : proof->hashes()) path.push_back(*HashFromBytes(h));
      auto root = RootFromInclusionProof(index, size, *HashFromBytes(proof->leaf_hash()), path);
      ASSERT_TRUE(root.ok());
      Checkpoint at_size{latest.origin, size, *root, {}};
      EXPECT_TRUE(harness_.verifier().VerifyConsistency(*old_proof, at_size, latest).ok())
          << "size " << size << " index " << index;
    }
  }
}

TEST_F(LogServiceTest, InclusionProofByLeafHashFindsTheLeaf) {
  auto appended = Append(5, "byhash");
  const v1::Receipt& receipt = appended[3].second;
  auto proof = harness_.client().GetInclusionProofByHash(receipt.leaf_hash());
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(proof->leaf_index(), receipt.log_index());
  auto checkpoint = harness_.verifier().VerifyCheckpoint(proof->checkpoint());
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_TRUE(harness_.verifier().VerifyInclusion(*proof, *checkpoint).ok());

  auto missing = harness_.client().GetInclusionProofByHash(std::string(32, 'x'));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  auto short_hash = harness_.client().GetInclusionProofByHash("abc");
  EXPECT_EQ(short_hash.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_hash.status().message(), HasSubstr("got 3 bytes, want 32"));
}

TEST_F(LogServiceTest, BadProofRequestsGetPreciseStatuses) {
  Append(3, "bad");
  const uint64_t size = Latest().size;
  EXPECT_EQ(harness_.client().GetInclusionProofByIndex(size).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(harness_.client().GetInclusionProofByIndex(~uint64_t{0}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(harness_.client().GetInclusionProofByIndex(0, size + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.client().GetInclusionProofByIndex(2, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.client().GetConsistencyProof(0, size).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.client().GetConsistencyProof(3, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.client().GetConsistencyProof(1, ~uint64_t{0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.client().GetEntries(size, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.client().GetEntries(0, 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.client().GetEntries(0, 1001).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(LogServiceTest, EntriesHoldTheExactSignedBytesAndKeyChanges) {
  auto appended = Append(4, "entries");
  auto entries = harness_.client().GetEntries(0, 100);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->entries_size(), 5);  // The key registration, then 4 events.
  const v1::Entry& key_entry = entries->entries(0);
  EXPECT_EQ(key_entry.kind(), v1::ENTRY_KIND_KEY_REGISTERED);
  EXPECT_EQ(key_entry.key_id(), signer_->key_id().ToHex());
  auto record = DecodeEnvelopeRecord(key_entry.envelope_record());
  ASSERT_TRUE(record.ok());
  v1::KeyChange change;
  ASSERT_TRUE(change.ParseFromString(record->payload));
  EXPECT_EQ(change.key().public_key(), signer_->public_key().raw());

  for (int i = 0; i < 4; ++i) {
    const v1::Entry& entry = entries->entries(i + 1);
    const auto& [sent, receipt] = appended[i];
    EXPECT_EQ(entry.index(), receipt.log_index());
    EXPECT_EQ(entry.kind(), v1::ENTRY_KIND_LINEAGE_EVENT);
    EXPECT_EQ(entry.leaf(), receipt.leaf());
    EXPECT_EQ(entry.signed_event().payload(), sent.payload());
    EXPECT_EQ(entry.signed_event().signature(), sent.signature());
    EXPECT_EQ(std::string(HashBytes(HashLeaf(entry.leaf()))), entry.leaf_hash());
    auto leaf = DecodeLeaf(entry.leaf());
    ASSERT_TRUE(leaf.ok());
    EXPECT_EQ(CommitToRecord(entry.salt(), entry.envelope_record()), leaf->commitment);
  }
}

TEST_F(LogServiceTest, EveryEntryHasItsOwnRandomSalt) {
  // More entries than the writer draws salts for at once (128), so salts
  // of two draws meet here.
  Append(300, "salts");
  std::set<std::string> salts;
  for (uint64_t start = 0; start < 301; start += 100) {
    auto entries = harness_.client().GetEntries(start, 100);
    ASSERT_TRUE(entries.ok()) << entries.status();
    for (const v1::Entry& entry : entries->entries()) {
      ASSERT_EQ(entry.salt().size(), kCommitmentSaltSize) << "entry " << entry.index();
      EXPECT_NE(entry.salt(), std::string(kCommitmentSaltSize, '\0')) << "entry " << entry.index();
      salts.insert(entry.salt());
    }
  }
  EXPECT_EQ(salts.size(), 301u);  // The key registration and 300 events.
}

TEST_F(LogServiceTest, RestartContinuesTheSameChainAndOldProofsStillVerify) {
  auto before = Append(23, "before");
  const Checkpoint first = Latest();
  harness_.Stop();
  ASSERT_TRUE(harness_.Start().ok());
  const Checkpoint reopened = Latest();
  EXPECT_EQ(reopened.size, first.size);
  EXPECT_EQ(reopened.root, first.root);

  // The same event is still a duplicate after the restart.
  auto again = harness_.client().AppendEvents({before[0].first});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->receipts(0).status(), v1::RECEIPT_STATUS_DUPLICATE);
  EXPECT_EQ(again->receipts(0).log_index(), before[0].second.log_index());

  auto after = Append(17, "after");
  const Checkpoint second = Latest();
  EXPECT_EQ(second.size, first.size + 17);
  auto consistency = harness_.client().GetConsistencyProof(first.size);
  ASSERT_TRUE(consistency.ok()) << consistency.status();
  EXPECT_TRUE(harness_.verifier().VerifyConsistency(*consistency, first, second).ok());

  for (const auto& batch : {before, after}) {
    for (const auto& [sent, receipt] : batch) {
      EXPECT_TRUE(harness_.verifier().VerifyReceipt(receipt, sent).ok());
      auto proof = harness_.client().GetInclusionProofByIndex(receipt.log_index());
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(harness_.verifier().VerifyInclusion(*proof, second).ok());
    }
  }
  EXPECT_GT(after[0].second.log_index(), before.back().second.log_index());
}

TEST_F(LogServiceTest, TamperedTreeNodeIsDetectedAtStartAndWritesAreRefused) {
  Append(8, "tamper");
  const Checkpoint good = Latest();
  harness_.Stop();
  {
    auto db = Database::Open({.path = harness_.data_dir()});
    ASSERT_TRUE(db.ok()) << db.status();
    WriteBatch batch(**db);
    // Size 9 = one complete subtree of 8 leaves + one leaf: damage the big one.
    ASSERT_EQ(good.size, 9u);
    batch.Put(Column::kNodes, schema::NodeKey(3, 0), std::string(32, '\x42'));
    ASSERT_TRUE((*db)->Write(batch, true).ok());
  }
  ASSERT_TRUE(harness_.Start().ok());
  EXPECT_EQ(harness_.ledger().write_refusal().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(harness_.ledger().write_refusal().message(), HasSubstr("integrity check failed"));
  auto append = harness_.client().AppendEvents({signer_->Sign(MakeRunEvent("ns", "late"))});
  EXPECT_EQ(append.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(append.status().message(), HasSubstr("writes are refused"));
  // Reads still answer with the checkpoint signed before the damage.
  auto served = harness_.client().GetCheckpoint();
  ASSERT_TRUE(served.ok());
  EXPECT_EQ(served->tree_size(), good.size);
}

TEST_F(LogServiceTest, CheckpointFromAnotherLogKeyRefusesWrites) {
  Append(2, "key");
  harness_.Stop();
  {
    auto db = Database::Open({.path = harness_.data_dir()});
    ASSERT_TRUE(db.ok());
    auto other = Ed25519PrivateKey::Generate();
    Checkpoint c{"test.lineage-ledger.local/log", 3, Sha256("x"), {}};
    WriteBatch batch(**db);
    batch.Put(Column::kMeta, schema::kCheckpointKey,
              SignNote(FormatCheckpoint(c), c.origin, *other));
    ASSERT_TRUE((*db)->Write(batch, true).ok());
  }
  ASSERT_TRUE(harness_.Start().ok());
  EXPECT_THAT(harness_.ledger().write_refusal().message(), HasSubstr("does not verify"));
  EXPECT_EQ(harness_.client().GetCheckpoint().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace lineage
