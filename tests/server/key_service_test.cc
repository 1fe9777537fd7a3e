// KeyService over real gRPC: registration, listing, revocation, validity.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/ledger/proto_time.h"
#include "tests/testing/events.h"
#include "tests/testing/ledger_harness.h"

namespace lineage {
namespace {

using ::lineage::testing::LedgerHarness;
using ::lineage::testing::MakeRunEvent;
using ::testing::HasSubstr;

v1::RegisterKeyRequest RequestFor(const Ed25519PublicKey& key) {
  v1::RegisterKeyRequest request;
  request.set_public_key(key.raw());
  request.add_namespaces("team-a/*");
  request.set_owner("spiffe://acme/ci");
  return request;
}

class KeyServiceTest : public ::testing::Test {
 protected:
  KeyServiceTest() : clock_(absl::FromUnixSeconds(1763600000)), harness_(&clock_) {}
  void SetUp() override { ASSERT_TRUE(harness_.Start().ok()); }

  FakeClock clock_;
  LedgerHarness harness_;
};

TEST_F(KeyServiceTest, RegisterListRevoke) {
  auto key = *Ed25519PrivateKey::Generate();
  auto registered = harness_.client().RegisterKey(RequestFor(key.public_key()));
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->key_id(), KeyId::Of(key.public_key()).ToHex());
  EXPECT_EQ(registered->state(), v1::KEY_STATE_ACTIVE);
  EXPECT_EQ(registered->registered_log_index(), 0u);
  EXPECT_EQ(FromProtoTime(registered->registered_at()), clock_.Now());

  auto again = harness_.client().RegisterKey(RequestFor(key.public_key()));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);

  auto list = harness_.client().ListKeys(false);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->keys_size(), 1);
  EXPECT_EQ(list->keys(0).owner(), "spiffe://acme/ci");

  auto revoked = harness_.client().RevokeKey(registered->key_id(), "rotated");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoked_log_index(), 1u);
  EXPECT_EQ(harness_.client().RevokeKey(registered->key_id(), "again").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(harness_.client().ListKeys(false)->keys_size(), 0);
  auto all = harness_.client().ListKeys(true);
  ASSERT_EQ(all->keys_size(), 1);
  EXPECT_EQ(all->keys(0).state(), v1::KEY_STATE_REVOKED);
  EXPECT_EQ(all->keys(0).revocation_reason(), "rotated");
}

TEST_F(KeyServiceTest, BadRegistrationsAreInvalidArgument) {
  auto key = *Ed25519PrivateKey::Generate();
  v1::RegisterKeyRequest no_key = RequestFor(key.public_key());
  no_key.clear_public_key();
  EXPECT_EQ(harness_.client().RegisterKey(no_key).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::RegisterKeyRequest short_key = RequestFor(key.public_key());
  short_key.set_public_key("short");
  EXPECT_THAT(harness_.client().RegisterKey(short_key).status().message(), HasSubstr("want 32"));
  v1::RegisterKeyRequest no_ns = RequestFor(key.public_key());
  no_ns.clear_namespaces();
  EXPECT_EQ(harness_.client().RegisterKey(no_ns).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::RegisterKeyRequest bad_pattern = RequestFor(key.public_key());
  bad_pattern.add_namespaces("a*b");
  EXPECT_THAT(harness_.client().RegisterKey(bad_pattern).status().message(),
              HasSubstr("namespaces[1]"));
  v1::RegisterKeyRequest window = RequestFor(key.public_key());
  window.mutable_not_before()->set_seconds(2000000000);
  window.mutable_not_after()->set_seconds(1000000000);
  EXPECT_EQ(harness_.client().RegisterKey(window).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::RegisterKeyRequest pem = RequestFor(key.public_key());
  pem.clear_public_key();
  pem.set_public_key_pem(key.public_key().ToPem());
  EXPECT_TRUE(harness_.client().RegisterKey(pem).ok());
  EXPECT_EQ(harness_.client().RevokeKey("00", "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(harness_.client().RevokeKey(std::string(32, 'a'), "x").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(KeyServiceTest, KeyOfAnotherPrincipalCannotBeUsed) {
  auto key = *Ed25519PrivateKey::Generate();
  ASSERT_TRUE(harness_.client().RegisterKey(RequestFor(key.public_key())).ok());  // spiffe owner.
  EventSigner signer(key);
  auto response = harness_.client().AppendEvents({signer.Sign(MakeRunEvent("team-a/x", "stolen"))});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->receipts(0).error_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(response->receipts(0).error_message(), HasSubstr("belongs to principal"));
}

TEST_F(KeyServiceTest, ValidityWindowIsEnforcedAtIntegrationTime) {
  auto key = *Ed25519PrivateKey::Generate();
  v1::RegisterKeyRequest request = RequestFor(key.public_key());
  *request.mutable_not_before() = ToProtoTime(clock_.Now() + absl::Hours(1));
  *request.mutable_not_after() = ToProtoTime(clock_.Now() + absl::Hours(2));
  request.set_owner("local");  // The harness's plaintext caller submits the events.
  auto registered = harness_.client().RegisterKey(request);
  ASSERT_TRUE(registered.ok());
  EXPECT_EQ(registered->state(), v1::KEY_STATE_NOT_YET_VALID);
  EventSigner signer(key);

  auto early = harness_.client().AppendEvents({signer.Sign(MakeRunEvent("team-a/x", "early"))});
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->receipts(0).error_code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(early->receipts(0).error_message(), HasSubstr("not valid before"));

  clock_.Advance(absl::Minutes(90));
  auto valid = harness_.client().AppendEvents({signer.Sign(MakeRunEvent("team-a/x", "valid"))});
  ASSERT_TRUE(valid.ok());
  EXPECT_EQ(valid->receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED);

  clock_.Advance(absl::Hours(1));
  auto late = harness_.client().AppendEvents({signer.Sign(MakeRunEvent("team-a/x", "late"))});
  ASSERT_TRUE(late.ok());
  EXPECT_THAT(late->receipts(0).error_message(), HasSubstr("expired"));
  EXPECT_EQ(harness_.client().ListKeys(true)->keys(0).state(), v1::KEY_STATE_EXPIRED);
}

TEST_F(KeyServiceTest, KeysSurviveRestart) {
  auto key = *Ed25519PrivateKey::Generate();
  v1::RegisterKeyRequest request = RequestFor(key.public_key());
  request.clear_owner();  // Defaults to "local", the harness's plaintext caller.
  ASSERT_TRUE(harness_.client().RegisterKey(request).ok());
  harness_.Stop();
  ASSERT_TRUE(harness_.Start().ok());
  EventSigner signer(key);
  auto response = harness_.client().AppendEvents({signer.Sign(MakeRunEvent("team-a/x", "r"))});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED);
}

}  // namespace
}  // namespace lineage
