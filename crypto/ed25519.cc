#include "crypto/ed25519.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "crypto/openssl_error.h"
#include "crypto/openssl_ptr.h"

namespace lineage {
namespace {

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* p) { return std::shared_ptr<EVP_PKEY>(p, OpenSslFree()); }

// Reused per thread: a fresh EVP_MD_CTX per verify costs ~8% (MACHINE-LIMITS.md).
EVP_MD_CTX* ThreadVerifyContext() {
  thread_local UniqueMdCtx ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) std::abort();
  return ctx.get();
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::StatusOr<std::string> RawPublic(EVP_PKEY* pkey) {
  std::string raw(kEd25519PublicKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kEd25519PublicKeySize) {
    return absl::InvalidArgumentError("not an Ed25519 key: " + DrainOpenSslErrors());
  }
  return raw;
}

}  // namespace

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromRaw(absl::string_view raw) {
  if (raw.size() != kEd25519PublicKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("Ed25519 public key: got ", raw.size(), " bytes, want 32"));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (pkey == nullptr) {
    return absl::InvalidArgumentError("Ed25519 public key rejected: " + DrainOpenSslErrors());
  }
  return Ed25519PublicKey(Share(pkey), std::string(raw));
}

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromPem(absl::string_view pem) {
  UniqueBio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) {
    return absl::InvalidArgumentError("not a PEM PUBLIC KEY block: " + DrainOpenSslErrors());
  }
  std::shared_ptr<EVP_PKEY> owned = Share(pkey);
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("PEM public key is not an Ed25519 key");
  }
  absl::StatusOr<std::string> raw = RawPublic(pkey);
  if (!raw.ok()) return raw.status();
  return Ed25519PublicKey(std::move(owned), *std::move(raw));
}

absl::Status Ed25519PublicKey::Verify(absl::string_view message,
                                      absl::string_view signature) const {
  if (signature.size() != kEd25519SignatureSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("Ed25519 signature: got ", signature.size(), " bytes, want 64"));
  }
  EVP_MD_CTX* ctx = ThreadVerifyContext();
  EVP_MD_CTX_reset(ctx);
  if (EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey_.get()) != 1) {
    return absl::InternalError("EVP_DigestVerifyInit failed: " + DrainOpenSslErrors());
  }
  int ok = EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  if (ok != 1) {
    ERR_clear_error();
    return absl::UnauthenticatedError("Ed25519 signature does not verify");
  }
  return absl::OkStatus();
}

std::string Ed25519PublicKey::ToPem() const {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), pkey_.get());
  return BioToString(bio.get());
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPkey(EVP_PKEY* pkey) {
  std::shared_ptr<EVP_PKEY> owned = Share(pkey);
  if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("private key is not an Ed25519 key");
  }
  absl::StatusOr<std::string> raw = RawPublic(pkey);
  if (!raw.ok()) return raw.status();
  absl::StatusOr<Ed25519PublicKey> pub = Ed25519PublicKey::FromRaw(*raw);
  if (!pub.ok()) return pub.status();
  return Ed25519PrivateKey(std::move(owned), *std::move(pub));
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (pkey == nullptr)
    return absl::InternalError("Ed25519 key generation failed: " + DrainOpenSslErrors());
  return FromPkey(pkey);
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(absl::string_view seed) {
  if (seed.size() != kEd25519SeedSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("Ed25519 seed: got ", seed.size(), " bytes, want 32"));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (pkey == nullptr)
    return absl::InvalidArgumentError("Ed25519 seed rejected: " + DrainOpenSslErrors());
  return FromPkey(pkey);
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(absl::string_view pem) {
  UniqueBio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) {
    // Do not echo the input: it may be a secret.
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM PRIVATE KEY block (PKCS #8)");
  }
  return FromPkey(pkey);
}

std::string Ed25519PrivateKey::ToPem() const {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return BioToString(bio.get());
}

std::string Ed25519PrivateKey::Sign(absl::string_view message) const {
  UniqueMdCtx ctx(EVP_MD_CTX_new());
  std::string sig(kEd25519SignatureSize, '\0');
  size_t len = sig.size();
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      len != kEd25519SignatureSize) {
    std::abort();  // Signing with a valid Ed25519 key cannot fail.
  }
  return sig;
}

}  // namespace lineage
