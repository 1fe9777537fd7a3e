// Every byte-level constant of the ledger's formats, in one place.
//
// docs/formats.md describes each layout in prose; this header mirrors it.
// Changing any value here changes leaf hashes and therefore every root: add
// a new version instead.
#ifndef LINEAGE_CRYPTO_FORMATS_H_
#define LINEAGE_CRYPTO_FORMATS_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace lineage {

// What a log entry records. The value is stored in leaves and records.
enum class EntryKind : uint8_t {
  kLineageEvent = 0x01,   // A producer-signed lineage event.
  kKeyRegistered = 0x02,  // A producer key was added to the key registry.
  kKeyRevoked = 0x03,     // A producer key was revoked.
};

// Leaf, version 1 (see leaf.h): fixed 58 bytes.
inline constexpr uint8_t kLeafVersion1 = 0x01;
inline constexpr size_t kLeafV1Size = 58;

// Envelope record, version 1 (see envelope_record.h).
inline constexpr uint8_t kEnvelopeRecordVersion1 = 0x01;
inline constexpr size_t kMaxPayloadTypeSize = 256;
inline constexpr size_t kMaxPayloadSize = 4 << 20;  // Fits the u32 length.
inline constexpr size_t kMaxSignatureSize = 1024;

// Salt for the envelope commitment: 32 random bytes per entry.
inline constexpr size_t kCommitmentSaltSize = 32;

// Producer key IDs: the first 16 bytes of SHA-256(raw Ed25519 public key).
inline constexpr size_t kKeyIdSize = 16;

// DSSE payload types.
inline constexpr absl::string_view kLineageEventPayloadType =
    "application/vnd.lineage-ledger.event.v1+protobuf";
inline constexpr absl::string_view kKeyChangePayloadType =
    "application/vnd.lineage-ledger.key-change.v1+protobuf";

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_FORMATS_H_
