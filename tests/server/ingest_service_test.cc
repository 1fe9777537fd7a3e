// IngestService over real gRPC on loopback, real RocksDB, real keys.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "crypto/merkle_hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/events.h"
#include "tests/testing/ledger_harness.h"

namespace lineage {
namespace {

using ::lineage::testing::LedgerHarness;
using ::lineage::testing::MakeRunEvent;
using ::testing::HasSubstr;

class IngestServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    auto signer = harness_.AddProducer({"acme.ml/*"});
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = std::make_unique<EventSigner>(*std::move(signer));
  }

  uint64_t TreeSize() {
    auto checkpoint = harness_.client().GetCheckpoint();
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status();
    return checkpoint.ok() ? checkpoint->tree_size() : 0;
  }

  v1::Receipt AppendOne(const v1::SignedEvent& e) {
    auto response = harness_.client().AppendEvents({e});
    EXPECT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->receipts_size(), 1);
    return response->receipts(0);
  }

  LedgerHarness harness_;
  std::unique_ptr<EventSigner> signer_;
};

TEST_F(IngestServiceTest, AcceptedEventGetsVerifiableReceiptAndCheckpoint) {
  const v1::SignedEvent sent = signer_->Sign(MakeRunEvent("acme.ml/fraud", "a1"));
  auto response = harness_.client().AppendEvents({sent});
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->receipts_size(), 1);
  const v1::Receipt& receipt = response->receipts(0);
  EXPECT_EQ(receipt.status(), v1::RECEIPT_STATUS_ACCEPTED);
  EXPECT_EQ(receipt.event_id(), "event-a1");
  EXPECT_EQ(receipt.namespace_(), "acme.ml/fraud");
  EXPECT_TRUE(harness_.verifier().VerifyReceipt(receipt, sent).ok());

  auto checkpoint = harness_.verifier().VerifyCheckpoint(response->checkpoint());
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_GT(checkpoint->size, receipt.log_index());
  auto proof = harness_.client().GetInclusionProofByIndex(receipt.log_index(), checkpoint->size);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(proof->leaf_hash(), receipt.leaf_hash());
  EXPECT_TRUE(harness_.verifier().VerifyInclusion(*proof, *checkpoint).ok());
}

TEST_F(IngestServiceTest, SameEventAgainReturnsOriginalReceipt) {
  const v1::SignedEvent sent = signer_->Sign(MakeRunEvent("acme.ml/fraud", "dup"));
  const v1::Receipt first = AppendOne(sent);
  const uint64_t size = TreeSize();
  const v1::Receipt again = AppendOne(sent);
  EXPECT_EQ(first.status(), v1::RECEIPT_STATUS_ACCEPTED);
  EXPECT_EQ(again.status(), v1::RECEIPT_STATUS_DUPLICATE);
  EXPECT_EQ(again.log_index(), first.log_index());
  EXPECT_EQ(again.leaf_hash(), first.leaf_hash());
  EXPECT_EQ(again.salt(), first.salt());
  EXPECT_EQ(TreeSize(), size);
  EXPECT_TRUE(harness_.verifier().VerifyReceipt(again, sent).ok());
}

TEST_F(IngestServiceTest, SameIdWithDifferentBytesIsAlreadyExists) {
  v1::LineageEvent event = MakeRunEvent("acme.ml/fraud", "conflict");
  AppendOne(signer_->Sign(event));
  const uint64_t size = TreeSize();
  event.mutable_job()->set_code_version("git:different");
  const v1::Receipt receipt = AppendOne(signer_->Sign(event));
  EXPECT_EQ(receipt.status(), v1::RECEIPT_STATUS_REJECTED);
  EXPECT_EQ(receipt.error_code(), static_cast<int>(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(receipt.error_message(), HasSubstr("different content"));
  EXPECT_EQ(TreeSize(), size);
}

TEST_F(IngestServiceTest, SameEventIdInAnotherNamespaceIsADifferentEvent) {
  AppendOne(signer_->Sign(MakeRunEvent("acme.ml/fraud", "shared-id")));
  const v1::Receipt other = AppendOne(signer_->Sign(MakeRunEvent("acme.ml/churn", "shared-id")));
  EXPECT_EQ(other.status(), v1::RECEIPT_STATUS_ACCEPTED);
}

TEST_F(IngestServiceTest, ForgedSignatureIsUnauthenticatedAndNotAppended) {
  v1::SignedEvent forged = signer_->Sign(MakeRunEvent("acme.ml/fraud", "forged"));
  forged.mutable_signature()->at(10) ^= 0x01;
  const uint64_t size = TreeSize();
  const v1::Receipt receipt = AppendOne(forged);
  EXPECT_EQ(receipt.status(), v1::RECEIPT_STATUS_REJECTED);
  EXPECT_EQ(receipt.error_code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(receipt.error_message(), HasSubstr("does not verify"));

  // Bytes changed after signing are caught the same way.
  v1::SignedEvent tampered = signer_->Sign(MakeRunEvent("acme.ml/fraud", "tampered"));
  tampered.mutable_payload()->back() ^= 0x01;
  EXPECT_EQ(AppendOne(tampered).error_code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(TreeSize(), size);
}

TEST_F(IngestServiceTest, UnregisteredKeyIsUnauthenticated) {
  EventSigner stranger(*Ed25519PrivateKey::Generate());
  const v1::Receipt receipt = AppendOne(stranger.Sign(MakeRunEvent("acme.ml/fraud", "stranger")));
  EXPECT_EQ(receipt.error_code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(receipt.error_message(), HasSubstr("not a registered producer key"));
}

TEST_F(IngestServiceTest, NamespaceOutsideTheKeysPatternsIsPermissionDenied) {
  const uint64_t size = TreeSize();
  const v1::Receipt receipt = AppendOne(signer_->Sign(MakeRunEvent("globex.finance", "ns")));
  EXPECT_EQ(receipt.status(), v1::RECEIPT_STATUS_REJECTED);
  EXPECT_EQ(receipt.error_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(receipt.error_message(), HasSubstr("globex.finance"));

  // Writing an output into a foreign namespace is writing that namespace.
  v1::LineageEvent event = MakeRunEvent("acme.ml/fraud", "foreign-output");
  event.mutable_outputs(0)->mutable_dataset()->set_namespace_("globex.finance");
  EXPECT_EQ(AppendOne(signer_->Sign(event)).error_code(),
            static_cast<int>(absl::StatusCode::kPermissionDenied));
  // Reading from a foreign namespace is allowed.
  v1::LineageEvent reads = MakeRunEvent("acme.ml/fraud", "foreign-input");
  reads.mutable_inputs(0)->mutable_dataset()->set_namespace_("globex.finance");
  EXPECT_EQ(AppendOne(signer_->Sign(reads)).status(), v1::RECEIPT_STATUS_ACCEPTED);
  EXPECT_EQ(TreeSize(), size + 1);
}

TEST_F(IngestServiceTest, RevokedKeyIsRejectedAndEarlierEventsStay) {
  const v1::Receipt before = AppendOne(signer_->Sign(MakeRunEvent("acme.ml/fraud", "pre")));
  ASSERT_EQ(before.status(), v1::RECEIPT_STATUS_ACCEPTED);
  auto revoked = harness_.client().RevokeKey(signer_->key_id().ToHex(), "laptop stolen");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->state(), v1::KEY_STATE_REVOKED);
  const uint64_t size = TreeSize();
  const v1::Receipt after = AppendOne(signer_->Sign(MakeRunEvent("acme.ml/fraud", "post")));
  EXPECT_EQ(after.error_code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(after.error_message(), HasSubstr("revoked"));
  EXPECT_THAT(after.error_message(), HasSubstr("laptop stolen"));
  EXPECT_EQ(TreeSize(), size);
  auto entries = harness_.client().GetEntries(before.log_index(), 1);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->entries(0).leaf_hash(), before.leaf_hash());
}

TEST_F(IngestServiceTest, BadEventDoesNotSinkGoodOnesInTheBatch) {
  std::vector<v1::SignedEvent> batch;
  batch.push_back(signer_->Sign(MakeRunEvent("acme.ml/fraud", "good1")));
  v1::LineageEvent bad = MakeRunEvent("acme.ml/fraud", "bad");
  bad.mutable_inputs(0)->mutable_dataset()->set_digest("sha256:xyz");
  batch.push_back(signer_->Sign(bad));
  batch.push_back(signer_->Sign(MakeRunEvent("acme.ml/fraud", "good2")));
  const uint64_t size = TreeSize();
  auto response = harness_.client().AppendEvents(batch);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->receipts_size(), 3);
  EXPECT_EQ(response->receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED);
  EXPECT_EQ(response->receipts(1).status(), v1::RECEIPT_STATUS_REJECTED);
  EXPECT_EQ(response->receipts(1).error_code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(response->receipts(1).error_message(), HasSubstr("event.inputs[0].dataset.digest"));
  EXPECT_EQ(response->receipts(2).status(), v1::RECEIPT_STATUS_ACCEPTED);
  EXPECT_EQ(TreeSize(), size + 2);
}

// A large batch reaches the writer chunk by chunk while the rest is still
// being verified: the log still holds its events in request order, and
// every receipt is the one the whole batch would get, whichever chunk an
// event or its earlier copy fell in.
TEST_F(IngestServiceTest, LargeBatchKeepsRequestOrderAcrossChunks) {
  constexpr int kEvents = 400;  // Many chunks on any number of cores.
  std::vector<v1::SignedEvent> batch;
  for (int i = 0; i < kEvents; ++i) {
    batch.push_back(signer_->Sign(MakeRunEvent("acme.ml/fraud", absl::StrCat("big-", i))));
  }
  batch[57].mutable_signature()->at(3) ^= 0x01;  // Forged.
  batch[301] = batch[10];                         // A copy far from the original.
  batch[399] = batch[398];                        // A copy right after it.
  // Chunks made only of rejections have nothing for the writer.
  for (int i = 200; i < 240; ++i) batch[i].mutable_signature()->at(0) ^= 0x01;
  const uint64_t size = TreeSize();
  auto response = harness_.client().AppendEvents(batch);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->receipts_size(), kEvents);

  const int rejected = 1 + 40;
  uint64_t previous_index = 0;
  int accepted = 0;
  for (int i = 0; i < kEvents; ++i) {
    const v1::Receipt& r = response->receipts(i);
    if (i == 57 || (i >= 200 && i < 240)) {
      EXPECT_EQ(r.status(), v1::RECEIPT_STATUS_REJECTED) << i;
      EXPECT_EQ(r.error_code(), static_cast<int>(absl::StatusCode::kUnauthenticated)) << i;
      continue;
    }
    EXPECT_EQ(r.namespace_(), "acme.ml/fraud") << i;
    EXPECT_EQ(r.event_id(), i == 301 ? "event-big-10" : i == 399 ? "event-big-398"
                                                                 : absl::StrCat("event-big-", i));
    if (i == 301 || i == 399) {
      const v1::Receipt& original = response->receipts(i == 301 ? 10 : 398);
      EXPECT_EQ(r.status(), v1::RECEIPT_STATUS_DUPLICATE) << i;
      EXPECT_EQ(r.log_index(), original.log_index()) << i;
      EXPECT_EQ(r.leaf_hash(), original.leaf_hash()) << i;
      continue;
    }
    EXPECT_EQ(r.status(), v1::RECEIPT_STATUS_ACCEPTED) << i;
    if (accepted > 0) {
      EXPECT_EQ(r.log_index(), previous_index + 1) << "event " << i << " out of request order";
    }
    previous_index = r.log_index();
    ++accepted;
    EXPECT_TRUE(harness_.verifier().VerifyReceipt(r, batch[i]).ok()) << i;
  }
  EXPECT_EQ(accepted, kEvents - rejected - 2);
  EXPECT_EQ(TreeSize(), size + accepted);
  // The response's checkpoint covers the whole batch.
  auto checkpoint = harness_.verifier().VerifyCheckpoint(response->checkpoint());
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_GT(checkpoint->size, previous_index);
}

TEST_F(IngestServiceTest, AtomicBatchWithOneBadEventAppendsNothing) {
  std::vector<v1::SignedEvent> batch;
  batch.push_back(signer_->Sign(MakeRunEvent("acme.ml/fraud", "atomic-good")));
  batch.push_back(signer_->Sign(MakeRunEvent("globex", "atomic-bad")));
  const uint64_t size = TreeSize();
  auto response = harness_.client().AppendEvents(batch, /*atomic=*/true);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(response.status().message(), HasSubstr("nothing appended: event 1"));
  EXPECT_EQ(TreeSize(), size);
  // The good event alone still goes in afterwards.
  EXPECT_EQ(AppendOne(batch[0]).status(), v1::RECEIPT_STATUS_ACCEPTED);
}

TEST_F(IngestServiceTest, AtomicBatchConflictingWithTheLogAppendsNothing) {
  v1::LineageEvent event = MakeRunEvent("acme.ml/fraud", "atomic-conflict");
  AppendOne(signer_->Sign(event));
  event.mutable_run()->set_kind(v1::RUN_KIND_TRAINING);
  std::vector<v1::SignedEvent> batch = {signer_->Sign(MakeRunEvent("acme.ml/fraud", "fresh")),
                                        signer_->Sign(event)};
  const uint64_t size = TreeSize();
  auto response = harness_.client().AppendEvents(batch, /*atomic=*/true);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(TreeSize(), size);
}

TEST_F(IngestServiceTest, MalformedInputGetsPreciseStatuses) {
  v1::SignedEvent wrong_type = signer_->Sign(MakeRunEvent("acme.ml/fraud", "t"));
  wrong_type.set_payload_type("application/json");
  EXPECT_EQ(AppendOne(wrong_type).error_code(), static_cast<int>(absl::StatusCode::kInvalidArgument));

  v1::SignedEvent garbage = signer_->SignPayload("\xff\xff\xff not a protobuf");
  const v1::Receipt g = AppendOne(garbage);
  EXPECT_EQ(g.error_code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(g.error_message(), HasSubstr("LineageEvent"));

  v1::SignedEvent short_sig = signer_->Sign(MakeRunEvent("acme.ml/fraud", "s"));
  short_sig.mutable_signature()->resize(63);
  EXPECT_EQ(AppendOne(short_sig).error_code(), static_cast<int>(absl::StatusCode::kInvalidArgument));

  v1::SignedEvent bad_key_id = signer_->Sign(MakeRunEvent("acme.ml/fraud", "k"));
  bad_key_id.set_key_id("not-hex");
  EXPECT_EQ(AppendOne(bad_key_id).error_code(), static_cast<int>(absl::StatusCode::kInvalidArgument));

  v1::LineageEvent huge = MakeRunEvent("acme.ml/fraud", "huge");
  (*huge.mutable_attributes())["blob"] = std::string(2 << 20, 'x');
  const v1::Receipt h = AppendOne(signer_->Sign(huge));
  EXPECT_EQ(h.error_code(), static_cast<int>(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(h.error_message(), HasSubstr("max 1048576"));

  auto empty = harness_.client().AppendEvents(std::vector<v1::SignedEvent>{});
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);

  std::vector<v1::SignedEvent> too_many(1001, signer_->Sign(MakeRunEvent("acme.ml/fraud", "m")));
  auto many = harness_.client().AppendEvents(too_many);
  EXPECT_EQ(many.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(many.status().message(), HasSubstr("max 1000"));
}

TEST_F(IngestServiceTest, ConcurrentAppendersGetDistinctIndicesThatAllVerify) {
  constexpr int kThreads = 6;
  constexpr int kBatches = 5;
  constexpr int kPerBatch = 20;
  std::vector<std::vector<std::pair<v1::SignedEvent, v1::Receipt>>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<v1::SignedEvent> batch;
        for (int i = 0; i < kPerBatch; ++i) {
          batch.push_back(signer_->Sign(MakeRunEvent("acme.ml/fraud", absl::StrCat(t, "-", b, "-", i))));
        }
        auto response = harness_.client().AppendEvents(batch);
        ASSERT_TRUE(response.ok()) << response.status();
        for (int i = 0; i < kPerBatch; ++i) results[t].emplace_back(batch[i], response->receipts(i));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto checkpoint = harness_.verifier().VerifyCheckpoint(*harness_.client().GetCheckpoint());
  ASSERT_TRUE(checkpoint.ok());
  std::set<uint64_t> indices;
  for (const auto& per_thread : results) {
    for (const auto& [sent, receipt] : per_thread) {
      ASSERT_EQ(receipt.status(), v1::RECEIPT_STATUS_ACCEPTED);
      EXPECT_TRUE(indices.insert(receipt.log_index()).second) << "index used twice";
      EXPECT_TRUE(harness_.verifier().VerifyReceipt(receipt, sent).ok());
      auto proof = harness_.client().GetInclusionProofByIndex(receipt.log_index(), checkpoint->size);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(harness_.verifier().VerifyInclusion(*proof, *checkpoint).ok());
    }
  }
  EXPECT_EQ(indices.size(), static_cast<size_t>(kThreads * kBatches * kPerBatch));
}

TEST_F(IngestServiceTest, StreamReturnsOneResponsePerBatchInOrder) {
  grpc::ClientContext context;
  auto stream = harness_.client().ingest().StreamEvents(&context);
  std::vector<v1::AppendEventsRequest> requests(12);
  for (int b = 0; b < 12; ++b) {
    for (int i = 0; i < 7; ++i) {
      *requests[b].add_events() =
          signer_->Sign(MakeRunEvent("acme.ml/fraud", absl::StrCat("stream-", b, "-", i)));
    }
  }
  std::thread writer([&] {
    for (const auto& r : requests) ASSERT_TRUE(stream->Write(r));
    stream->WritesDone();
  });
  std::vector<v1::AppendEventsResponse> responses;
  v1::AppendEventsResponse response;
  while (stream->Read(&response)) responses.push_back(response);
  writer.join();
  grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), requests.size());
  for (size_t b = 0; b < requests.size(); ++b) {
    ASSERT_EQ(responses[b].receipts_size(), 7);
    for (int i = 0; i < 7; ++i) {
      EXPECT_EQ(responses[b].receipts(i).event_id(), absl::StrCat("event-stream-", b, "-", i));
      EXPECT_TRUE(harness_.verifier()
                      .VerifyReceipt(responses[b].receipts(i), requests[b].events(i))
                      .ok());
    }
  }
}

TEST_F(IngestServiceTest, StreamEndsWithTheStatusOfAFailedAtomicBatch) {
  grpc::ClientContext context;
  auto stream = harness_.client().ingest().StreamEvents(&context);
  v1::AppendEventsRequest good;
  *good.add_events() = signer_->Sign(MakeRunEvent("acme.ml/fraud", "stream-ok"));
  v1::AppendEventsRequest bad;
  bad.set_atomic(true);
  *bad.add_events() = signer_->Sign(MakeRunEvent("elsewhere", "stream-bad"));
  ASSERT_TRUE(stream->Write(good));
  v1::AppendEventsResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED);
  stream->Write(bad);
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace lineage
