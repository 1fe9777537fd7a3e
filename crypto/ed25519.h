// Ed25519 keys, signing and verification through the OpenSSL 3 EVP API.
//
// Keys hold a parsed EVP_PKEY, shared by copies, so a registered producer key
// is parsed once and verified against many times (parsing per call costs
// ~12% of the verify rate, see MACHINE-LIMITS.md).
//
//   ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
//   std::string sig = key.Sign(message);
//   RETURN_IF_ERROR(key.public_key().Verify(message, sig));
//
// Private keys never leave the process that owns them: they are written only
// to files with mode 0600 by the caller, and never logged.
//
// Thread-safety: const methods are safe to call concurrently.
#ifndef LINEAGE_CRYPTO_ED25519_H_
#define LINEAGE_CRYPTO_ED25519_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace lineage {

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

class Ed25519PublicKey {
 public:
  // From the raw 32-byte public key. INVALID_ARGUMENT on a wrong length or a
  // value OpenSSL rejects.
  static absl::StatusOr<Ed25519PublicKey> FromRaw(absl::string_view raw);

  // From a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) block. INVALID_ARGUMENT if
  // it is not PEM or not an Ed25519 key.
  static absl::StatusOr<Ed25519PublicKey> FromPem(absl::string_view pem);

  // OK iff `signature` is a valid Ed25519 signature of `message`. Otherwise
  // UNAUTHENTICATED ("signature does not verify") or INVALID_ARGUMENT for a
  // signature that is not 64 bytes.
  absl::Status Verify(absl::string_view message, absl::string_view signature) const;

  // The raw 32 bytes.
  const std::string& raw() const { return raw_; }

  // PEM SubjectPublicKeyInfo.
  std::string ToPem() const;

 private:
  Ed25519PublicKey(std::shared_ptr<EVP_PKEY> pkey, std::string raw)
      : pkey_(std::move(pkey)), raw_(std::move(raw)) {}
  std::shared_ptr<EVP_PKEY> pkey_;
  std::string raw_;
  friend class Ed25519PrivateKey;
};

class Ed25519PrivateKey {
 public:
  // A new random key from OpenSSL's CSPRNG.
  static absl::StatusOr<Ed25519PrivateKey> Generate();

  // The key whose RFC 8032 secret is the 32-byte `seed`.
  static absl::StatusOr<Ed25519PrivateKey> FromSeed(absl::string_view seed);

  // From a PEM "PRIVATE KEY" (PKCS #8) block. INVALID_ARGUMENT if it is not
  // an Ed25519 private key.
  static absl::StatusOr<Ed25519PrivateKey> FromPem(absl::string_view pem);

  // PKCS #8 PEM. Treat the result as a secret.
  std::string ToPem() const;

  // The 64-byte Ed25519 signature of `message` (deterministic).
  std::string Sign(absl::string_view message) const;

  const Ed25519PublicKey& public_key() const { return public_key_; }

 private:
  Ed25519PrivateKey(std::shared_ptr<EVP_PKEY> pkey, Ed25519PublicKey public_key)
      : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
  static absl::StatusOr<Ed25519PrivateKey> FromPkey(EVP_PKEY* pkey);
  std::shared_ptr<EVP_PKEY> pkey_;
  Ed25519PublicKey public_key_;
};

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_ED25519_H_
