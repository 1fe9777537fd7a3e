// LogVerifier: checks what the ledger hands out against a PINNED log key:
// signed checkpoints, inclusion proofs, consistency proofs and receipts.
// The trust anchor is given by the caller (configuration, a file shipped
// out of band), never fetched from the server being verified.
//
//   ASSIGN_OR_RETURN(LogVerifier verifier, LogVerifier::FromVerifierKey(vkey));
//   ASSIGN_OR_RETURN(Checkpoint cp, verifier.VerifyCheckpoint(response.checkpoint()));
//   RETURN_IF_ERROR(verifier.VerifyReceipt(receipt, signed_event));
//   RETURN_IF_ERROR(verifier.VerifyInclusion(proof, cp));
//
// Every method returns OK only when the evidence verifies; otherwise
// INVALID_ARGUMENT (malformed), UNAUTHENTICATED (bad signature) or
// FAILED_PRECONDITION (well formed but does not match).
//
// Thread-safety: immutable; safe for concurrent use.
#ifndef LINEAGE_CLIENT_LOG_VERIFIER_H_
#define LINEAGE_CLIENT_LOG_VERIFIER_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/checkpoint.h"
#include "crypto/signed_note.h"
#include "lineage/v1/checkpoint.pb.h"
#include "lineage/v1/envelope.pb.h"
#include "lineage/v1/ingest.pb.h"
#include "lineage/v1/log.pb.h"

namespace lineage {

class LogVerifier {
 public:
  // From "<origin>+<key ID>+<base64 key>". INVALID_ARGUMENT if malformed.
  static absl::StatusOr<LogVerifier> FromVerifierKey(absl::string_view vkey);

  explicit LogVerifier(NoteVerifier note_verifier) : note_verifier_(std::move(note_verifier)) {}

  // Verifies the note's signature and that the message's convenience fields
  // agree with the signed body.
  absl::StatusOr<Checkpoint> VerifyCheckpoint(const v1::SignedCheckpoint& checkpoint) const;
  absl::StatusOr<Checkpoint> VerifyCheckpointNote(absl::string_view note) const;

  // The proof shows its leaf hash at its index under `checkpoint`'s root; its
  // tree size must be the checkpoint's.
  absl::Status VerifyInclusion(const v1::InclusionProof& proof, const Checkpoint& checkpoint) const;

  // `newer` extends `older` (sizes must match the proof's).
  absl::Status VerifyConsistency(const v1::ConsistencyProof& proof, const Checkpoint& older,
                                 const Checkpoint& newer) const;

  // The receipt is for `sent`: ACCEPTED or DUPLICATE, its leaf hashes to
  // leaf_hash, and the leaf commits (with the receipt's salt) to exactly
  // the envelope that was sent, signed by the same key.
  absl::Status VerifyReceipt(const v1::Receipt& receipt, const v1::SignedEvent& sent) const;

  const NoteVerifier& note_verifier() const { return note_verifier_; }

 private:
  NoteVerifier note_verifier_;
};

}  // namespace lineage

#endif  // LINEAGE_CLIENT_LOG_VERIFIER_H_
