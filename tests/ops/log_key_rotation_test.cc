// Rotating the log's checkpoint key: a ledger restarted with a new key
// refuses writes unless told the previous key; told it, it checks the stored
// checkpoint as usual, re-signs the head with the new key, and continues the
// same chain (an old checkpoint is consistent with a new one).
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "client/event_signer.h"
#include "client/log_verifier.h"
#include "common/log.h"
#include "crypto/merkle_proof.h"
#include "crypto/merkle_verify.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/ledger/ledger.h"
#include "server/ledger/log_reader.h"
#include "tests/testing/events.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

using ::testing::HasSubstr;

const char kOrigin[] = "test.lineage-ledger.local/rotation";

class LogKeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override { SetQuietLogging(true); }

  std::unique_ptr<Ledger> Open(const Ed25519PrivateKey& key, std::vector<std::string> previous = {}) {
    LedgerOptions options;
    options.data_dir = dir_.path() + "/db";
    options.origin = kOrigin;
    options.block_cache_bytes = 8 << 20;
    options.previous_log_keys = std::move(previous);
    auto ledger = Ledger::Open(options, key);
    EXPECT_TRUE(ledger.ok()) << ledger.status();
    return ledger.ok() ? *std::move(ledger) : nullptr;
  }

  // Registers a producer through the writer and waits.
  static absl::StatusOr<v1::ProducerKey> Register(Ledger& ledger, const Ed25519PublicKey& key) {
    v1::RegisterKeyRequest request;
    request.set_public_key(key.raw());
    request.add_namespaces("acme.ml/*");
    absl::Notification done;
    absl::StatusOr<v1::ProducerKey> out = absl::UnknownError("");
    ledger.RegisterKey(request, "test", [&](absl::StatusOr<v1::ProducerKey> r) {
      out = std::move(r);
      done.Notify();
    });
    done.WaitForNotification();
    return out;
  }

  lineage::testing::TempDir dir_;
};

TEST_F(LogKeyRotationTest, NewKeyContinuesTheChainOnlyWhenToldThePreviousKey) {
  Ed25519PrivateKey old_key = *Ed25519PrivateKey::Generate();
  Ed25519PrivateKey new_key = *Ed25519PrivateKey::Generate();
  LogVerifier old_verifier(NoteVerifier(kOrigin, old_key.public_key()));
  LogVerifier new_verifier(NoteVerifier(kOrigin, new_key.public_key()));
  Ed25519PrivateKey producer = *Ed25519PrivateKey::Generate();

  std::unique_ptr<Ledger> ledger = Open(old_key);
  ASSERT_NE(ledger, nullptr);
  ASSERT_TRUE(Register(*ledger, producer.public_key()).ok());
  auto before = ledger->log().GetCheckpoint();
  ASSERT_TRUE(before.ok());
  auto old_checkpoint = old_verifier.VerifyCheckpoint(*before);
  ASSERT_TRUE(old_checkpoint.ok());
  ledger.reset();

  // A new key alone: the stored checkpoint does not verify; writes refused.
  ledger = Open(new_key);
  ASSERT_NE(ledger, nullptr);
  EXPECT_THAT(ledger->write_refusal().message(), HasSubstr("log key"));
  ledger.reset();

  // Told the previous key: writable, and re-signed with the new key.
  ledger = Open(new_key, {FormatVerifierKey(kOrigin, old_key.public_key())});
  ASSERT_NE(ledger, nullptr);
  ASSERT_TRUE(ledger->write_refusal().ok()) << ledger->write_refusal();
  auto resigned = ledger->log().GetCheckpoint();
  ASSERT_TRUE(resigned.ok());
  auto same_size = new_verifier.VerifyCheckpoint(*resigned);
  ASSERT_TRUE(same_size.ok()) << same_size.status();
  EXPECT_EQ(same_size->size, old_checkpoint->size);
  EXPECT_EQ(same_size->root, old_checkpoint->root);
  EXPECT_FALSE(old_verifier.VerifyCheckpoint(*resigned).ok());

  ASSERT_TRUE(Register(*ledger, Ed25519PrivateKey::Generate()->public_key()).ok());
  auto after = ledger->log().GetCheckpoint();
  ASSERT_TRUE(after.ok());
  auto new_checkpoint = new_verifier.VerifyCheckpoint(*after);
  ASSERT_TRUE(new_checkpoint.ok());
  ASSERT_GT(new_checkpoint->size, old_checkpoint->size);
  v1::GetConsistencyProofRequest request;
  request.set_from_size(old_checkpoint->size);
  request.set_to_size(new_checkpoint->size);
  auto proof = ledger->log().GetConsistencyProof(request);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_TRUE(new_verifier.VerifyConsistency(*proof, *old_checkpoint, *new_checkpoint).ok());
  ledger.reset();

  // A previous key of another log is refused outright.
  LedgerOptions options;
  options.data_dir = dir_.path() + "/db";
  options.origin = kOrigin;
  options.previous_log_keys = {FormatVerifierKey("other.example/log", old_key.public_key())};
  EXPECT_EQ(Ledger::Open(options, new_key).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lineage
