// CheckpointSigner: holds the log's private key and signs C2SP checkpoints.
//
// The log key never leaves this object: callers get signed notes, and the
// public verifier key to publish. Only the log writer signs, and only over
// a tree head that is already durable, so no two checkpoints it signs can
// be inconsistent.
//
// Thread-safety: const methods are safe to call concurrently.
#ifndef LINEAGE_SERVER_LEDGER_CHECKPOINT_SIGNER_H_
#define LINEAGE_SERVER_LEDGER_CHECKPOINT_SIGNER_H_

#include <string>

#include "crypto/checkpoint.h"
#include "crypto/ed25519.h"
#include "crypto/signed_note.h"

namespace lineage {

// A signed checkpoint and its parsed body.
struct PublishedCheckpoint {
  std::string note;
  Checkpoint checkpoint;
};

class CheckpointSigner {
 public:
  // `origin` is the checkpoint origin line and the signing key's name.
  CheckpointSigner(std::string origin, Ed25519PrivateKey key);

  PublishedCheckpoint Sign(uint64_t size, const Hash& root) const;

  const std::string& origin() const { return origin_; }
  const NoteVerifier& verifier() const { return verifier_; }
  // "<origin>+<key ID>+<base64 key>": what clients pin.
  std::string VerifierKey() const;

 private:
  std::string origin_;
  Ed25519PrivateKey key_;
  NoteVerifier verifier_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_CHECKPOINT_SIGNER_H_
