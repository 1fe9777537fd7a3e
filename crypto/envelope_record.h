// Envelope records, version 1: the exact bytes a leaf commits to.
//
// For a lineage event this is the producer's signed envelope: the payload
// bytes as signed (never re-serialized), its DSSE payload type, the signing
// key ID and the signature. For a key registry change it is the server's
// serialized KeyChange (no producer signature: the checkpoint signs it).
//
//   offset   size  field
//   0        1     record version, 0x01
//   1        1     entry kind (formats.h EntryKind)
//   2        16    key ID
//   18       2     T = payload type length, uint16 BE (<= 256)
//   20       T     payload type, ASCII
//   20+T     4     P = payload length, uint32 BE (<= 4 MiB)
//   24+T     P     payload
//   24+T+P   2     S = signature length, uint16 BE (<= 1024; 0 for key changes)
//   26+T+P   S     signature
//
// commitment = SHA-256(salt || record), with a 32-byte random salt per entry.
//
// Thread-safety: value type and pure functions.
#ifndef LINEAGE_CRYPTO_ENVELOPE_RECORD_H_
#define LINEAGE_CRYPTO_ENVELOPE_RECORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/formats.h"
#include "crypto/hash.h"
#include "crypto/key_id.h"

namespace lineage {

struct EnvelopeRecord {
  EntryKind kind = EntryKind::kLineageEvent;
  KeyId key_id;
  std::string payload_type;
  std::string payload;
  std::string signature;
};

// The v1 encoding. INVALID_ARGUMENT if a field exceeds its length limit.
absl::StatusOr<std::string> EncodeEnvelopeRecord(const EnvelopeRecord& record);

// Parses a v1 record. INVALID_ARGUMENT naming the first inconsistency.
absl::StatusOr<EnvelopeRecord> DecodeEnvelopeRecord(absl::string_view bytes);

// SHA-256(salt || record bytes).
Hash CommitToRecord(absl::string_view salt, absl::string_view record_bytes);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_ENVELOPE_RECORD_H_
