// A full disk and a failing device under a running ledger, through real
// gRPC and real RocksDB with injected I/O errors (the one fake at this seam).
// Both: failing appends get UNAVAILABLE, nothing half-written is visible,
// reads keep working, retries are idempotent. A full disk recovers without a
// restart once space returns; a failed fsync is fatal to RocksDB (what reached
// the disk is unknown), so writes stay refused until the server restarts and
// recovers from its WAL.
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/ledger/integrity_checker.h"
#include "server/ledger/ledger.h"
#include "server/service/ledger_server.h"
#include "storage/fault_injection_fs.h"
#include "tests/testing/events.h"
#include "tests/testing/temp_dir.h"
#include "client/event_signer.h"
#include "client/ledger_client.h"
#include "client/log_verifier.h"

namespace lineage {
namespace {

using ::lineage::testing::MakeRunEvent;
using Mode = FaultInjectionFs::Mode;

class StorageFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetQuietLogging(true);
    log_key_ = std::make_unique<Ed25519PrivateKey>(*Ed25519PrivateKey::Generate());
    auto db = Database::Open({.path = dir_.path() + "/db", .block_cache_bytes = 8 << 20,
                              .faults = &faults_});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    LedgerOptions options;
    options.origin = "test.lineage-ledger.local/faults";
    auto ledger = Ledger::Open(options, *log_key_, *db_, nullptr);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = *std::move(ledger);
    auto server = LedgerServer::Start(*ledger_, {.listen_address = "127.0.0.1:0"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<LedgerClient>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()),
        absl::Seconds(30));
    verifier_ = std::make_unique<LogVerifier>(NoteVerifier(options.origin, log_key_->public_key()));
    auto producer = Ed25519PrivateKey::Generate();
    v1::RegisterKeyRequest request;
    request.set_public_key(producer->public_key().raw());
    request.add_namespaces("acme.ml/*");
    ASSERT_TRUE(client_->RegisterKey(request).ok());
    signer_ = std::make_unique<EventSigner>(*std::move(producer));
  }

  void TearDown() override {
    faults_.Fail(Mode::kNone);
    client_.reset();
    if (server_) server_->Shutdown(absl::Seconds(5));
    server_.reset();
    ledger_.reset();
    db_.reset();
  }

  std::vector<v1::SignedEvent> Events(const std::string& prefix, int n) {
    std::vector<v1::SignedEvent> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(signer_->Sign(MakeRunEvent("acme.ml/fraud", absl::StrCat(prefix, i))));
    }
    return out;
  }

  uint64_t TreeSize() {
    auto checkpoint = client_->GetCheckpoint();
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status();
    return checkpoint.ok() ? checkpoint->tree_size() : 0;
  }

  lineage::testing::TempDir dir_;
  FaultInjectionFs faults_;
  std::unique_ptr<Ed25519PrivateKey> log_key_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<LedgerServer> server_;
  std::unique_ptr<LedgerClient> client_;
  std::unique_ptr<LogVerifier> verifier_;
  std::unique_ptr<EventSigner> signer_;
};

TEST_F(StorageFaultTest, DiskFullFailsAppendsThenRecoversWithoutRestart) {
  auto before = client_->AppendEvents(Events("before-", 5));
  ASSERT_TRUE(before.ok()) << before.status();
  const uint64_t size = TreeSize();
  auto old_checkpoint = verifier_->VerifyCheckpoint(before->checkpoint());
  ASSERT_TRUE(old_checkpoint.ok());

  faults_.Fail(Mode::kNoSpace);
  const std::vector<v1::SignedEvent> during = Events("during-", 5);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto failed = client_->AppendEvents(during);
    ASSERT_FALSE(failed.ok()) << "attempt " << attempt;
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  }
  EXPECT_GT(faults_.failures(), 0);

  // Reads keep working and show nothing of the failed groups.
  EXPECT_EQ(TreeSize(), size);
  auto entries = client_->GetEntries(0, 100);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ(static_cast<uint64_t>(entries->entries_size()), size);
  auto proof = client_->GetInclusionProofByIndex(size - 1);
  ASSERT_TRUE(proof.ok()) << proof.status();

  // Space is back: the same request now succeeds, exactly once.
  faults_.Fail(Mode::kNone);
  absl::StatusOr<v1::AppendEventsResponse> after = absl::UnavailableError("not tried");
  for (int attempt = 0; attempt < 150 && !after.ok(); ++attempt) {
    after = client_->AppendEvents(during);
    if (!after.ok()) absl::SleepFor(absl::Milliseconds(200));  // RocksDB resumes within its 5 s free-space poll.
  }
  ASSERT_TRUE(after.ok()) << after.status();
  for (const v1::Receipt& r : after->receipts()) {
    EXPECT_EQ(r.status(), v1::RECEIPT_STATUS_ACCEPTED) << r.error_message();
  }
  EXPECT_EQ(TreeSize(), size + 5);
  auto again = client_->AppendEvents(during);
  ASSERT_TRUE(again.ok()) << again.status();
  for (int i = 0; i < again->receipts_size(); ++i) {
    EXPECT_EQ(again->receipts(i).status(), v1::RECEIPT_STATUS_DUPLICATE);
    EXPECT_EQ(again->receipts(i).log_index(), after->receipts(i).log_index());
    EXPECT_TRUE(verifier_->VerifyReceipt(again->receipts(i), during[i]).ok());
  }
  EXPECT_EQ(TreeSize(), size + 5);

  // The chain continues: the old checkpoint is a prefix of the new one.
  auto new_checkpoint = verifier_->VerifyCheckpoint(again->checkpoint());
  ASSERT_TRUE(new_checkpoint.ok());
  auto consistency = client_->GetConsistencyProof(old_checkpoint->size, new_checkpoint->size);
  ASSERT_TRUE(consistency.ok()) << consistency.status();
  EXPECT_TRUE(verifier_->VerifyConsistency(*consistency, *old_checkpoint, *new_checkpoint).ok());

  // And the data verifies end to end after a restart.
  TearDown();
  auto report = VerifyDatabase(dir_.path() + "/db", verifier_->note_verifier(), {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << (report->findings.empty() ? "" : report->findings[0].ToString());
  EXPECT_EQ(report->tree_size, size + 5);
}

TEST_F(StorageFaultTest, FsyncErrorRefusesWritesUntilRestartThenRecovers) {
  ASSERT_TRUE(client_->AppendEvents(Events("before-", 5)).ok());
  const uint64_t size = TreeSize();

  faults_.Fail(Mode::kIoError);
  const std::vector<v1::SignedEvent> during = Events("during-", 5);
  auto failed = client_->AppendEvents(during);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  faults_.Fail(Mode::kNone);
  // RocksDB will not take writes again in this process: they stay
  // UNAVAILABLE, and reads keep working.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto again = client_->AppendEvents(during);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().code(), absl::StatusCode::kUnavailable) << again.status();
  }
  EXPECT_EQ(TreeSize(), size);
  ASSERT_TRUE(client_->GetEntries(0, 100).ok());

  // A restart recovers from the WAL. The failed batch is there whole or not
  // at all (its bytes may have reached the disk before the fsync failed);
  // either way the retry gets one receipt per event, at one index each.
  TearDown();
  auto report = VerifyDatabase(dir_.path() + "/db", verifier_->note_verifier(), {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << (report->findings.empty() ? "" : report->findings[0].ToString());
  EXPECT_TRUE(report->tree_size == size || report->tree_size == size + 5) << report->tree_size;
  faults_.Fail(Mode::kNone);
  auto db = Database::Open({.path = dir_.path() + "/db", .block_cache_bytes = 8 << 20});
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = *std::move(db);
  LedgerOptions options;
  options.origin = "test.lineage-ledger.local/faults";
  auto ledger = Ledger::Open(options, *log_key_, *db_, nullptr);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  ledger_ = *std::move(ledger);
  ASSERT_TRUE(ledger_->write_refusal().ok()) << ledger_->write_refusal();
  auto server = LedgerServer::Start(*ledger_, {.listen_address = "127.0.0.1:0"});
  ASSERT_TRUE(server.ok());
  server_ = *std::move(server);
  client_ = std::make_unique<LedgerClient>(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                          grpc::InsecureChannelCredentials()),
      absl::Seconds(30));
  auto retried = client_->AppendEvents(during);
  ASSERT_TRUE(retried.ok()) << retried.status();
  for (int i = 0; i < retried->receipts_size(); ++i) {
    EXPECT_NE(retried->receipts(i).status(), v1::RECEIPT_STATUS_REJECTED);
    EXPECT_TRUE(verifier_->VerifyReceipt(retried->receipts(i), during[i]).ok());
  }
  EXPECT_EQ(TreeSize(), size + 5);
}

}  // namespace
}  // namespace lineage
