// Ed25519 keys (crypto/ed25519.h) against RFC 8032 section 7.1 and the
// RFC 8410 key encodings.
#include "crypto/ed25519.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

// RFC 8410 section 7: the fixed DER prefixes of an Ed25519 PKCS #8 private
// key (followed by the 32-byte seed) and SubjectPublicKeyInfo (followed by
// the 32-byte public key).
constexpr absl::string_view kPkcs8PrefixHex = "302e020100300506032b657004220420";
constexpr absl::string_view kSpkiPrefixHex = "302a300506032b6570032100";

// PEM of a DER body shorter than 49 bytes: one base64 line.
std::string Pem(absl::string_view label, absl::string_view der) {
  return absl::StrCat("-----BEGIN ", label, "-----\n", absl::Base64Escape(der), "\n-----END ",
                      label, "-----\n");
}

std::string FlipBit(std::string s, size_t byte, int bit) {
  s[byte] = static_cast<char>(s[byte] ^ (1 << bit));
  return s;
}

TEST(Ed25519Test, SeedGivesRfc8032PublicKey) {
  for (const auto& v : Vectors().signing_vectors().rfc8032_ed25519().vectors()) {
    absl::StatusOr<Ed25519PrivateKey> key =
        Ed25519PrivateKey::FromSeed(MustHexToBytes(v.secret_seed()));
    ASSERT_TRUE(key.ok()) << v.name() << ": " << key.status();
    EXPECT_EQ(absl::BytesToHexString(key->public_key().raw()), v.public_key()) << v.name();
  }
}

TEST(Ed25519Test, SignReproducesRfc8032SignatureByteForByte) {
  const auto& vectors = Vectors().signing_vectors().rfc8032_ed25519().vectors();
  ASSERT_EQ(vectors.size(), 2);
  for (const auto& v : vectors) {
    absl::StatusOr<Ed25519PrivateKey> key =
        Ed25519PrivateKey::FromSeed(MustHexToBytes(v.secret_seed()));
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(absl::BytesToHexString(key->Sign(MustHexToBytes(v.message()))), v.signature())
        << v.name();
  }
}

TEST(Ed25519Test, Rfc8032SignatureVerifies) {
  for (const auto& v : Vectors().signing_vectors().rfc8032_ed25519().vectors()) {
    absl::StatusOr<Ed25519PublicKey> key =
        Ed25519PublicKey::FromRaw(MustHexToBytes(v.public_key()));
    ASSERT_TRUE(key.ok()) << key.status();
    absl::Status s = key->Verify(MustHexToBytes(v.message()), MustHexToBytes(v.signature()));
    EXPECT_TRUE(s.ok()) << v.name() << ": " << s;
  }
}

TEST(Ed25519Test, AlteredSignatureOrMessageIsUnauthenticated) {
  for (const auto& v : Vectors().signing_vectors().rfc8032_ed25519().vectors()) {
    absl::StatusOr<Ed25519PublicKey> key =
        Ed25519PublicKey::FromRaw(MustHexToBytes(v.public_key()));
    ASSERT_TRUE(key.ok()) << key.status();
    const std::string message = MustHexToBytes(v.message());
    const std::string signature = MustHexToBytes(v.signature());
    for (size_t byte : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {
      EXPECT_EQ(key->Verify(message, FlipBit(signature, byte, 0)).code(),
                absl::StatusCode::kUnauthenticated)
          << v.name() << ", signature byte " << byte;
    }
    EXPECT_EQ(key->Verify(message + "x", signature).code(), absl::StatusCode::kUnauthenticated)
        << v.name();
    if (!message.empty()) {
      EXPECT_EQ(key->Verify(FlipBit(message, 0, 7), signature).code(),
                absl::StatusCode::kUnauthenticated)
          << v.name();
    }
  }
}

TEST(Ed25519Test, SignatureOfWrongLengthIsInvalidArgument) {
  const auto& v = Vectors().signing_vectors().rfc8032_ed25519().vectors(0);
  absl::StatusOr<Ed25519PublicKey> key = Ed25519PublicKey::FromRaw(MustHexToBytes(v.public_key()));
  ASSERT_TRUE(key.ok()) << key.status();
  const std::string signature = MustHexToBytes(v.signature());
  EXPECT_EQ(key->Verify("", signature.substr(0, 63)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(key->Verify("", signature + "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(key->Verify("", "").code(), absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, KeysOfWrongLengthAreInvalidArgument) {
  EXPECT_EQ(Ed25519PrivateKey::FromSeed(std::string(31, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PrivateKey::FromSeed(std::string(64, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKey::FromRaw(std::string(31, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKey::FromRaw(std::string(33, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, PemMatchesRfc8410EncodingAndRoundTrips) {
  const auto& v = Vectors().signing_vectors().rfc8032_ed25519().vectors(0);
  const std::string seed = MustHexToBytes(v.secret_seed());
  const std::string pub = MustHexToBytes(v.public_key());
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromSeed(seed);
  ASSERT_TRUE(key.ok()) << key.status();

  const std::string private_pem = Pem("PRIVATE KEY", MustHexToBytes(kPkcs8PrefixHex) + seed);
  const std::string public_pem = Pem("PUBLIC KEY", MustHexToBytes(kSpkiPrefixHex) + pub);
  EXPECT_EQ(key->ToPem(), private_pem);
  EXPECT_EQ(key->public_key().ToPem(), public_pem);

  absl::StatusOr<Ed25519PrivateKey> private_back = Ed25519PrivateKey::FromPem(key->ToPem());
  ASSERT_TRUE(private_back.ok()) << private_back.status();
  EXPECT_EQ(private_back->public_key().raw(), pub);
  EXPECT_EQ(absl::BytesToHexString(private_back->Sign(MustHexToBytes(v.message()))), v.signature());

  absl::StatusOr<Ed25519PublicKey> public_back =
      Ed25519PublicKey::FromPem(key->public_key().ToPem());
  ASSERT_TRUE(public_back.ok()) << public_back.status();
  EXPECT_EQ(public_back->raw(), pub);
  EXPECT_TRUE(public_back->Verify(MustHexToBytes(v.message()), MustHexToBytes(v.signature())).ok());
}

TEST(Ed25519Test, ReadsRfc8410ExampleKeys) {
  // RFC 8410 section 10.3 (private) and 10.1 (public), one key pair.
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(
      "-----BEGIN PRIVATE KEY-----\n"
      "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
      "-----END PRIVATE KEY-----\n");
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<Ed25519PublicKey> pub = Ed25519PublicKey::FromPem(
      "-----BEGIN PUBLIC KEY-----\n"
      "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
      "-----END PUBLIC KEY-----\n");
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(absl::BytesToHexString(pub->raw()),
            "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1");
  EXPECT_EQ(key->public_key().raw(), pub->raw());
  EXPECT_TRUE(pub->Verify("m", key->Sign("m")).ok());
}

TEST(Ed25519Test, FromPemRejectsOtherKeyTypesAndGarbage) {
  // A P-256 key (python3 cryptography, private value 12345).
  const std::string ec_private =
      "-----BEGIN PRIVATE KEY-----\n"
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAAAAAAAAAAAAAAAA\n"
      "AAAAAAAAAAAAAAAAAAAAAAAAMDmhRANCAAQm7869DunjSmaRh+GLOpEisvczlFtk\n"
      "nMn5+SHp+drYEpAji96cx7szDRUMZ3BN0lrnBVIFdEtvMb9AcHRYctDm\n"
      "-----END PRIVATE KEY-----\n";
  const std::string ec_public =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJu/OvQ7p40pmkYfhizqRIrL3M5Rb\n"
      "ZJzJ+fkh6fna2BKQI4venMe7Mw0VDGdwTdJa5wVSBXRLbzG/QHB0WHLQ5g==\n"
      "-----END PUBLIC KEY-----\n";
  EXPECT_EQ(Ed25519PrivateKey::FromPem(ec_private).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKey::FromPem(ec_public).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PrivateKey::FromPem("not pem").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKey::FromPem("").status().code(), absl::StatusCode::kInvalidArgument);
  // A public key block is not a private key, and vice versa.
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromSeed(std::string(32, '\x01'));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_FALSE(Ed25519PrivateKey::FromPem(key->public_key().ToPem()).ok());
  EXPECT_FALSE(Ed25519PublicKey::FromPem(key->ToPem()).ok());
}

TEST(Ed25519Test, GeneratedKeysSignAndVerify) {
  absl::StatusOr<Ed25519PrivateKey> a = Ed25519PrivateKey::Generate();
  absl::StatusOr<Ed25519PrivateKey> b = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_NE(a->public_key().raw(), b->public_key().raw());
  const std::string sig = a->Sign("message");
  EXPECT_EQ(sig.size(), kEd25519SignatureSize);
  EXPECT_TRUE(a->public_key().Verify("message", sig).ok());
  EXPECT_EQ(b->public_key().Verify("message", sig).code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace lineage
