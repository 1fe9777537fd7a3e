// Log leaves, version 1: a fixed 58-byte record that never holds personal
// data. The event itself is only committed to, with a random salt, so the
// envelope and salt can later be erased (crypto-shredding) without changing
// any leaf hash, root, checkpoint or proof.
//
//   offset size field
//   0      1    leaf format version, 0x01
//   1      1    entry kind (formats.h EntryKind)
//   2      8    integration time, microseconds since the Unix epoch, uint64 BE
//   10     16   producer key ID (for key entries: the key added or revoked)
//   26     32   commitment = SHA-256(salt || envelope record), see
//                envelope_record.h
//
// The Merkle leaf hash is SHA-256(0x00 || these 58 bytes).
//
// Thread-safety: value type and pure functions.
#ifndef LINEAGE_CRYPTO_LEAF_H_
#define LINEAGE_CRYPTO_LEAF_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/formats.h"
#include "crypto/hash.h"
#include "crypto/key_id.h"

namespace lineage {

struct Leaf {
  EntryKind kind = EntryKind::kLineageEvent;
  uint64_t integrated_time_micros = 0;
  KeyId key_id;
  Hash commitment{};
};

// The 58-byte v1 encoding.
std::string EncodeLeaf(const Leaf& leaf);

// Parses a v1 leaf. INVALID_ARGUMENT for a wrong size, unknown version or
// unknown entry kind.
absl::StatusOr<Leaf> DecodeLeaf(absl::string_view bytes);

// True if `kind` is a value this version knows.
bool IsKnownEntryKind(uint8_t kind);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_LEAF_H_
