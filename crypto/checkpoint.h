// The body of a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
//
//   <origin>\n
//   <tree size, decimal, no leading zeros>\n
//   <root hash, standard base64 of 32 bytes>\n
//   [<extension line>\n ...]
//
// This text is what the log key signs as a signed note (signed_note.h); the
// key name is the origin. The layout is fixed by C2SP, never by protobuf.
//
// Thread-safety: pure functions.
#ifndef LINEAGE_CRYPTO_CHECKPOINT_H_
#define LINEAGE_CRYPTO_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/hash.h"
#include "crypto/signed_note.h"

namespace lineage {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;
};

// The checkpoint body text, ending in "\n".
std::string FormatCheckpoint(const Checkpoint& checkpoint);

// Parses a checkpoint body. INVALID_ARGUMENT with the offending line when
// malformed.
absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text);

// Verifies `note` with `verifier`, parses its body and checks its origin is
// the verifier's key name. INVALID_ARGUMENT / UNAUTHENTICATED as in
// NoteVerifier::Open and ParseCheckpoint.
absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view note, const NoteVerifier& verifier);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_CHECKPOINT_H_
