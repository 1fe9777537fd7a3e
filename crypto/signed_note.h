// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures.
//
// A note is UTF-8 text ending in "\n", a blank line, then signature lines
//   "\u2014 <key name> <base64(4-byte key ID || 64-byte signature)>\n"
// The key ID is the first 4 bytes of SHA-256(name || "\n" || 0x01 || pubkey),
// big-endian. A verifier key is written "<name>+<8 hex key ID>+<base64(0x01
// || pubkey)>", the form transparency-log tools accept.
//
//   std::string note = SignNote(text, "log.example/dev", log_key);
//   ASSIGN_OR_RETURN(NoteVerifier v, NoteVerifier::Parse(vkey));
//   ASSIGN_OR_RETURN(std::string text, v.Open(note));
//
// Thread-safety: pure functions and immutable objects.
#ifndef LINEAGE_CRYPTO_SIGNED_NOTE_H_
#define LINEAGE_CRYPTO_SIGNED_NOTE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/ed25519.h"

namespace lineage {

inline constexpr uint8_t kNoteAlgorithmEd25519 = 0x01;

// The 4-byte C2SP key ID of an Ed25519 key named `name`.
uint32_t NoteKeyId(absl::string_view name, const Ed25519PublicKey& key);

// "<name>+<hex key ID>+<base64(0x01 || pubkey)>".
std::string FormatVerifierKey(absl::string_view name, const Ed25519PublicKey& key);

// Signs `text` (which must end in "\n") as `name`; returns the whole note.
std::string SignNote(absl::string_view text, absl::string_view name,
                     const Ed25519PrivateKey& key);

// A pinned verifier key: checks notes signed by one named Ed25519 key.
class NoteVerifier {
 public:
  // Parses a verifier key string. INVALID_ARGUMENT if malformed, not
  // Ed25519, or if its key ID does not match its name and key.
  static absl::StatusOr<NoteVerifier> Parse(absl::string_view vkey);

  NoteVerifier(std::string name, Ed25519PublicKey key);

  // Returns the note's text if it carries a valid signature by this key.
  // Signatures by other keys are ignored, as C2SP requires. INVALID_ARGUMENT
  // for a malformed note or one with more than 100 signature lines (a bound
  // on the work one note can cost); UNAUTHENTICATED if no signature line is
  // ours or ours does not verify.
  absl::StatusOr<std::string> Open(absl::string_view note) const;

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const Ed25519PublicKey& public_key() const { return key_; }

 private:
  std::string name_;
  Ed25519PublicKey key_;
  uint32_t key_id_;
};

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_SIGNED_NOTE_H_
