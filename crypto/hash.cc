#include "crypto/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "crypto/openssl_ptr.h"

namespace lineage {
namespace {

// Fetched once: implicit fetching in EVP_Digest() costs a lock per call.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) std::abort();  // OpenSSL without SHA-256: unusable.
    return fetched;
  }();
  return md;
}


EVP_MD_CTX* ThreadContext() {
  thread_local UniqueMdCtx ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) std::abort();
  return ctx.get();
}

}  // namespace

Hash Sha256Concat(std::initializer_list<absl::string_view> parts) {
  EVP_MD_CTX* ctx = ThreadContext();
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, Sha256Algorithm(), nullptr) != 1) std::abort();
  for (absl::string_view part : parts) {
    if (EVP_DigestUpdate(ctx, part.data(), part.size()) != 1) std::abort();
  }
  if (EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != kHashSize) std::abort();
  return out;
}

Hash Sha256(absl::string_view data) { return Sha256Concat({data}); }

absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes, absl::string_view what) {
  if (bytes.size() != kHashSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": got ", bytes.size(), " bytes, want 32 (sha256)"));
  }
  Hash out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::string HashToHex(const Hash& hash) { return absl::BytesToHexString(HashBytes(hash)); }

absl::StatusOr<Hash> HashFromHex(absl::string_view hex, absl::string_view what) {
  if (hex.size() != 2 * kHashSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": got ", hex.size(), " hex characters, want 64 (sha256)"));
  }
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": not hex: \"", hex, "\""));
    }
  }
  return HashFromBytes(absl::HexStringToBytes(hex), what);
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace lineage
