#include "crypto/key_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/quote.h"
#include "crypto/hash.h"

namespace lineage {

KeyId KeyId::Of(const Ed25519PublicKey& key) {
  Hash h = Sha256(key.raw());
  KeyId id;
  std::copy(h.begin(), h.begin() + kKeyIdSize, id.bytes.begin());
  return id;
}

absl::StatusOr<KeyId> KeyId::FromHex(absl::string_view hex, absl::string_view what) {
  bool all_hex = std::all_of(hex.begin(), hex.end(), [](char c) {
    return absl::ascii_isxdigit(static_cast<unsigned char>(c));
  });
  if (hex.size() != 2 * kKeyIdSize || !all_hex) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": got ", QuoteUntrusted(hex, 80), ", want 32 hex characters (a producer key ID)"));
  }
  return FromBytes(absl::HexStringToBytes(absl::AsciiStrToLower(hex)));
}

absl::StatusOr<KeyId> KeyId::FromBytes(absl::string_view raw) {
  if (raw.size() != kKeyIdSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("key ID: got ", raw.size(), " bytes, want ", kKeyIdSize));
  }
  KeyId id;
  std::copy(raw.begin(), raw.end(), id.bytes.begin());
  return id;
}

std::string KeyId::ToHex() const { return absl::BytesToHexString(AsBytes()); }

}  // namespace lineage
