// Producer key IDs: the first 16 bytes of SHA-256 of the raw 32-byte Ed25519
// public key, written as 32 lowercase hex characters.
//
// Derived, never chosen, so a key ID always names exactly one key.
//
// Thread-safety: value type.
#ifndef LINEAGE_CRYPTO_KEY_ID_H_
#define LINEAGE_CRYPTO_KEY_ID_H_

#include <array>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/ed25519.h"
#include "crypto/formats.h"

namespace lineage {

struct KeyId {
  std::array<uint8_t, kKeyIdSize> bytes{};

  // The ID of `key`.
  static KeyId Of(const Ed25519PublicKey& key);

  // From 32 hex characters. INVALID_ARGUMENT otherwise, naming `what`.
  static absl::StatusOr<KeyId> FromHex(absl::string_view hex, absl::string_view what = "key_id");

  // From 16 raw bytes. INVALID_ARGUMENT otherwise.
  static absl::StatusOr<KeyId> FromBytes(absl::string_view raw);

  std::string ToHex() const;
  absl::string_view AsBytes() const {
    return absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  bool operator==(const KeyId& other) const { return bytes == other.bytes; }
  bool operator!=(const KeyId& other) const { return bytes != other.bytes; }
};

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_KEY_ID_H_
