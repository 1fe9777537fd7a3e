// Producer key IDs (crypto/key_id.h).
#include "crypto/key_id.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

using ::testing::HasSubstr;

Ed25519PublicKey Rfc8032Test1Key() {
  absl::StatusOr<Ed25519PublicKey> key = Ed25519PublicKey::FromRaw(
      MustHexToBytes(Vectors().signing_vectors().rfc8032_ed25519().vectors(0).public_key()));
  EXPECT_TRUE(key.ok()) << key.status();
  return *std::move(key);
}

TEST(KeyIdTest, OfIsFirst16BytesOfSha256OfRawKey) {
  const Ed25519PublicKey key = Rfc8032Test1Key();
  // python3: hashlib.sha256(bytes.fromhex("d75a98...511a")).hexdigest()[:32]
  EXPECT_EQ(KeyId::Of(key).ToHex(), "21fe31dfa154a261626bf854046fd227");
  const Hash h = Sha256(key.raw());
  EXPECT_EQ(KeyId::Of(key).AsBytes(), HashBytes(h).substr(0, kKeyIdSize));
}

TEST(KeyIdTest, HexRoundTrips) {
  const KeyId id = KeyId::Of(Rfc8032Test1Key());
  absl::StatusOr<KeyId> back = KeyId::FromHex(id.ToHex());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, id);
  absl::StatusOr<KeyId> upper = KeyId::FromHex(absl::AsciiStrToUpper(id.ToHex()));
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_EQ(*upper, id);
  EXPECT_EQ(upper->ToHex(), id.ToHex());
}

TEST(KeyIdTest, BytesRoundTrip) {
  const KeyId id = KeyId::Of(Rfc8032Test1Key());
  absl::StatusOr<KeyId> back = KeyId::FromBytes(id.AsBytes());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, id);
  EXPECT_FALSE(*back != id);
  EXPECT_EQ(KeyId::FromBytes(std::string(15, 'k')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyId::FromBytes(std::string(17, 'k')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(KeyIdTest, FromHexRejectsWrongLengthAndNonHexNamingTheField) {
  const std::string good = "21fe31dfa154a261626bf854046fd227";
  std::string non_hex = good;
  non_hex[5] = 'x';
  for (const std::string& bad :
       {good.substr(0, 31), good + "0", std::string(), non_hex, good.substr(0, 30) + " 7"}) {
    absl::StatusOr<KeyId> id = KeyId::FromHex(bad, "event.key_id");
    ASSERT_FALSE(id.ok()) << "\"" << bad << "\"";
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(id.status().message(), HasSubstr("event.key_id"));
  }
}

TEST(KeyIdTest, FromHexQuotesTheBadValueAsEscapedValidUtf8) {
  // The message reaches producers in Receipt.error_message (a proto3 string):
  // an 80-byte cut must not split the two-byte 'é', and control characters
  // are escaped, not echoed.
  absl::StatusOr<KeyId> long_id = KeyId::FromHex(std::string(79, 'k') + "\xc3\xa9");
  ASSERT_FALSE(long_id.ok());
  EXPECT_THAT(long_id.status().message(),
              HasSubstr("got \"" + std::string(79, 'k') + "...\" (81 bytes), want 32 hex"));
  absl::StatusOr<KeyId> control = KeyId::FromHex("ab\x1b[2J\n\"\xff");
  ASSERT_FALSE(control.ok());
  EXPECT_THAT(control.status().message(), HasSubstr(R"(got "ab\x1b[2J\n\"\xff", want)"));
}

TEST(KeyIdTest, DifferentKeysHaveDifferentIds) {
  absl::StatusOr<Ed25519PublicKey> other = Ed25519PublicKey::FromRaw(
      MustHexToBytes(Vectors().signing_vectors().rfc8032_ed25519().vectors(1).public_key()));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(KeyId::Of(Rfc8032Test1Key()), KeyId::Of(*other));
}

}  // namespace
}  // namespace lineage
