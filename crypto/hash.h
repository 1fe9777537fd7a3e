// SHA-256 digests: the one hash function of the ledger.
//
// `Hash` is a 32-byte SHA-256 value. Sha256() fetches the OpenSSL algorithm
// once per process and reuses a per-thread context, which is ~2x faster than
// EVP_Digest() and scales across cores (see MACHINE-LIMITS.md).
//
//   Hash h = Sha256("hello");
//   std::string hex = HashToHex(h);
//
// Thread-safety: all functions are safe to call concurrently.
#ifndef LINEAGE_CRYPTO_HASH_H_
#define LINEAGE_CRYPTO_HASH_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lineage {

inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

// SHA-256 of `data`.
Hash Sha256(absl::string_view data);

// SHA-256 of the concatenation of `parts`, without copying them together.
Hash Sha256Concat(std::initializer_list<absl::string_view> parts);

// The hash as a byte string view (valid as long as `hash` lives).
inline absl::string_view HashBytes(const Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()), hash.size());
}

// Copies 32 bytes into a Hash. INVALID_ARGUMENT if `bytes` is not 32 long;
// `what` names the value in the message ("proof.hashes[2]").
absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes, absl::string_view what = "hash");

// Lowercase hex, 64 characters.
std::string HashToHex(const Hash& hash);

// Parses 64 hex characters (either case). INVALID_ARGUMENT otherwise.
absl::StatusOr<Hash> HashFromHex(absl::string_view hex, absl::string_view what = "hash");

// Constant-time equality, for comparisons where one side may be secret.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_HASH_H_
