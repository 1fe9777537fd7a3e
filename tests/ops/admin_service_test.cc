// AdminService over real gRPC: an online backup taken while producers keep
// appending holds everything acknowledged before it, restores into a fresh
// directory that verifies end to end, and continues the same chain; the
// online integrity check runs in the background and reports.
#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "client/event_signer.h"
#include "client/ledger_client.h"
#include "client/log_verifier.h"
#include "common/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lineage/v1/admin.grpc.pb.h"
#include "server/ledger/integrity_checker.h"
#include "server/ledger/ledger.h"
#include "server/ledger/maintenance.h"
#include "server/service/ledger_server.h"
#include "tests/testing/events.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

using ::lineage::testing::MakeRunEvent;
using ::testing::HasSubstr;

const char kOrigin[] = "test.lineage-ledger.local/admin";

// A ledger and its server on one data directory, with a client.
struct Node {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<LedgerServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<LedgerClient> client;
  std::unique_ptr<v1::AdminService::Stub> admin;

  ~Node() {
    client.reset();
    if (server) server->Shutdown(absl::Seconds(5));
    server.reset();
    ledger.reset();
  }
};

class AdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetQuietLogging(true);
    log_key_ = std::make_unique<Ed25519PrivateKey>(*Ed25519PrivateKey::Generate());
    verifier_ = std::make_unique<LogVerifier>(NoteVerifier(kOrigin, log_key_->public_key()));
    node_ = Start(dir_.path() + "/db");
    ASSERT_NE(node_, nullptr);
    auto producer = Ed25519PrivateKey::Generate();
    v1::RegisterKeyRequest request;
    request.set_public_key(producer->public_key().raw());
    request.add_namespaces("acme.ml/*");
    ASSERT_TRUE(node_->client->RegisterKey(request).ok());
    signer_ = std::make_unique<EventSigner>(*std::move(producer));
  }

  std::unique_ptr<Node> Start(const std::string& db_dir,
                              absl::Duration slow_commit_group = absl::Milliseconds(50)) {
    auto node = std::make_unique<Node>();
    LedgerOptions options;
    options.slow_commit_group = slow_commit_group;
    options.data_dir = db_dir;
    options.origin = kOrigin;
    options.block_cache_bytes = 8 << 20;
    auto ledger = Ledger::Open(options, *log_key_);
    EXPECT_TRUE(ledger.ok()) << ledger.status();
    if (!ledger.ok()) return nullptr;
    node->ledger = *std::move(ledger);
    auto server = LedgerServer::Start(
        *node->ledger, {.listen_address = "127.0.0.1:0", .backup_dir = dir_.path() + "/backups"});
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return nullptr;
    node->server = *std::move(server);
    node->channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", node->server->port()),
                                        grpc::InsecureChannelCredentials());
    node->client = std::make_unique<LedgerClient>(node->channel, absl::Seconds(30));
    node->admin = v1::AdminService::NewStub(node->channel);
    return node;
  }

  absl::StatusOr<v1::Backup> CreateBackup(const std::string& name) {
    grpc::ClientContext context;
    v1::CreateBackupRequest request;
    request.set_name(name);
    v1::Backup backup;
    grpc::Status status = node_->admin->CreateBackup(&context, request, &backup);
    if (!status.ok()) return FromGrpcStatus(status);
    return backup;
  }

  absl::StatusOr<Checkpoint> LatestCheckpoint(Node& node) {
    auto checkpoint = node.client->GetCheckpoint();
    if (!checkpoint.ok()) return checkpoint.status();
    return verifier_->VerifyCheckpoint(*checkpoint);
  }

  lineage::testing::TempDir dir_;
  std::unique_ptr<Ed25519PrivateKey> log_key_;
  std::unique_ptr<LogVerifier> verifier_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<EventSigner> signer_;
};

TEST_F(AdminServiceTest, BackupDuringIngestionRestoresAndContinuesTheSameChain) {
  // Producers keep appending on two threads for the whole backup.
  struct Acked {
    v1::SignedEvent event;
    v1::Receipt receipt;
  };
  absl::Mutex mu;
  std::vector<Acked> acked;
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < 2; ++p) {
    producers.emplace_back([&, p] {
      for (int batch = 0; !stop.load(); ++batch) {
        std::vector<v1::SignedEvent> events;
        for (int i = 0; i < 10; ++i) {
          events.push_back(signer_->Sign(
              MakeRunEvent("acme.ml/fraud", absl::StrCat("p", p, "-", batch, "-", i))));
        }
        auto r = node_->client->AppendEvents(events);
        if (!r.ok()) {
          errors.fetch_add(1);
          continue;
        }
        absl::MutexLock lock(&mu);
        for (int i = 0; i < r->receipts_size(); ++i) acked.push_back({events[i], r->receipts(i)});
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(300));
  auto before = LatestCheckpoint(*node_);
  ASSERT_TRUE(before.ok()) << before.status();
  std::vector<Acked> acked_before_backup;
  {
    absl::MutexLock lock(&mu);
    acked_before_backup = acked;
  }
  auto backup = CreateBackup("during-ingest");
  absl::SleepFor(absl::Milliseconds(200));
  stop.store(true);
  for (std::thread& t : producers) t.join();
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_EQ(errors.load(), 0);
  ASSERT_FALSE(acked_before_backup.empty());
  EXPECT_GE(backup->tree_size(), before->size);
  EXPECT_THAT(backup->path(), HasSubstr("during-ingest"));
  {
    absl::MutexLock lock(&mu);
    EXPECT_GT(acked.size(), acked_before_backup.size()) << "ingestion did not continue";
  }

  // Restore into a fresh directory: it verifies end to end.
  const std::string restored = dir_.path() + "/restored/db";
  auto manifest = RestoreBackup(backup->path(), restored);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->tree_size, backup->tree_size());
  auto report = VerifyDatabase(restored, verifier_->note_verifier(), {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << (report->findings.empty() ? "" : report->findings[0].ToString());
  EXPECT_EQ(report->tree_size, backup->tree_size());
  EXPECT_TRUE(RestoreBackup(backup->path(), restored).status().code() ==
              absl::StatusCode::kAlreadyExists);

  // A ledger on the restored copy continues the chain.
  node_.reset();
  std::unique_ptr<Node> restored_node = Start(restored);
  ASSERT_NE(restored_node, nullptr);
  ASSERT_TRUE(restored_node->ledger->write_refusal().ok()) << restored_node->ledger->write_refusal();
  auto more = restored_node->client->AppendEvents(
      {signer_->Sign(MakeRunEvent("acme.ml/fraud", "after-restore"))});
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_EQ(more->receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED);
  auto after = LatestCheckpoint(*restored_node);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->size, backup->tree_size() + 1);
  auto proof = restored_node->client->GetConsistencyProof(before->size, after->size);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_TRUE(verifier_->VerifyConsistency(*proof, *before, *after).ok());

  // Nothing acknowledged before the backup started is lost (RPO).
  for (const Acked& a : acked_before_backup) {
    auto inclusion = restored_node->client->GetInclusionProofByIndex(a.receipt.log_index());
    ASSERT_TRUE(inclusion.ok()) << inclusion.status();
    EXPECT_EQ(inclusion->leaf_hash(), a.receipt.leaf_hash());
    EXPECT_TRUE(verifier_->VerifyInclusion(*inclusion, *after).ok());
    auto again = restored_node->client->AppendEvents({a.event});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->receipts(0).status(), v1::RECEIPT_STATUS_DUPLICATE);
    EXPECT_EQ(again->receipts(0).log_index(), a.receipt.log_index());
  }
}

TEST_F(AdminServiceTest, BackupNamesAreValidatedAndNeverReused) {
  EXPECT_EQ(CreateBackup("../escape").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateBackup(".hidden").status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(CreateBackup("nightly-1").ok());
  EXPECT_EQ(CreateBackup("nightly-1").status().code(), absl::StatusCode::kAlreadyExists);
  auto unnamed = CreateBackup("");
  ASSERT_TRUE(unnamed.ok()) << unnamed.status();
  EXPECT_THAT(unnamed->name(), HasSubstr("backup-"));
  auto manifest = ReadBackupManifest(unnamed->path());
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->tree_size, unnamed->tree_size());
  EXPECT_TRUE(verifier_->VerifyCheckpointNote(manifest->checkpoint_note).ok());
}

TEST_F(AdminServiceTest, LeftoversOfInterruptedBackupsAreRemovedAtStart) {
  ASSERT_TRUE(CreateBackup("kept").ok());
  node_.reset();
  const std::string backups = dir_.path() + "/backups";
  for (const char* leftover : {"/.half.partial/db", "/.integrity-check-123/db"}) {
    std::filesystem::create_directories(backups + leftover);
  }
  node_ = Start(dir_.path() + "/db");
  ASSERT_NE(node_, nullptr);
  EXPECT_FALSE(std::filesystem::exists(backups + "/.half.partial"));
  EXPECT_FALSE(std::filesystem::exists(backups + "/.integrity-check-123"));
  EXPECT_TRUE(ReadBackupManifest(backups + "/kept").ok());
}

TEST_F(AdminServiceTest, OnlineIntegrityCheckRunsInTheBackgroundAndReports) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(node_->client
                    ->AppendEvents({signer_->Sign(MakeRunEvent("acme.ml/fraud", absl::StrCat("v", i)))})
                    .ok());
  }
  grpc::ClientContext context;
  v1::IntegrityCheck started;
  ASSERT_TRUE(node_->admin->VerifyIntegrity(&context, v1::VerifyIntegrityRequest(), &started).ok());
  EXPECT_NE(started.phase(), v1::INTEGRITY_CHECK_PHASE_NEVER_RUN);
  v1::IntegrityCheck check;
  for (int i = 0; i < 100; ++i) {
    grpc::ClientContext poll;
    ASSERT_TRUE(node_->admin->GetIntegrityCheck(&poll, v1::GetIntegrityCheckRequest(), &check).ok());
    if (check.phase() != v1::INTEGRITY_CHECK_PHASE_RUNNING) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(check.phase(), v1::INTEGRITY_CHECK_PHASE_DONE) << check.error();
  EXPECT_EQ(check.finding_count(), 0u);
  EXPECT_EQ(check.tree_size(), 21u);
  EXPECT_EQ(check.signatures_verified(), 20u);
  EXPECT_GE(check.checkpoints_matched(), 1u);

  grpc::ClientContext status_context;
  v1::LedgerStatus status;
  ASSERT_TRUE(node_->admin->GetStatus(&status_context, v1::GetStatusRequest(), &status).ok());
  EXPECT_TRUE(status.writable());
  EXPECT_EQ(status.tree_size(), 21u);
  EXPECT_EQ(status.origin(), kOrigin);
}

TEST_F(AdminServiceTest, StatusCountsSlowCommitsAndShowsTheStorageBacklog) {
  auto status_of = [](Node& node) {
    grpc::ClientContext context;
    v1::LedgerStatus status;
    EXPECT_TRUE(node.admin->GetStatus(&context, v1::GetStatusRequest(), &status).ok());
    return status;
  };
  const v1::LedgerStatus fresh = status_of(*node_);
  EXPECT_EQ(fresh.storage_backlog(),
            "level-0 files: none above 1; memtables waiting: none; compaction pending: 0 MiB");

  // With a threshold of zero every commit group counts as slow: the key
  // registration and each append below are groups of their own.
  node_.reset();
  node_ = Start(dir_.path() + "/db", absl::ZeroDuration());
  ASSERT_NE(node_, nullptr);
  EXPECT_EQ(status_of(*node_).slow_commit_groups(), 0u);
  for (int i = 0; i < 3; ++i) {
    auto receipts = node_->client->AppendEvents(
        {signer_->Sign(MakeRunEvent("acme.ml/fraud", absl::StrCat("slow-", i)))});
    ASSERT_TRUE(receipts.ok()) << receipts.status();
  }
  EXPECT_EQ(status_of(*node_).slow_commit_groups(), 3u);
}

}  // namespace
}  // namespace lineage
