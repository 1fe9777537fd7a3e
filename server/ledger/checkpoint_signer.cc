#include "server/ledger/checkpoint_signer.h"

namespace lineage {

CheckpointSigner::CheckpointSigner(std::string origin, Ed25519PrivateKey key)
    : origin_(std::move(origin)), key_(std::move(key)), verifier_(origin_, key_.public_key()) {}

PublishedCheckpoint CheckpointSigner::Sign(uint64_t size, const Hash& root) const {
  PublishedCheckpoint out;
  out.checkpoint.origin = origin_;
  out.checkpoint.size = size;
  out.checkpoint.root = root;
  out.note = SignNote(FormatCheckpoint(out.checkpoint), origin_, key_);
  return out;
}

std::string CheckpointSigner::VerifierKey() const {
  return FormatVerifierKey(origin_, key_.public_key());
}

}  // namespace lineage
