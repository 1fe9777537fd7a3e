#include "client/log_verifier.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_record.h"
#include "crypto/leaf.h"
#include "crypto/merkle_hash.h"
#include "crypto/merkle_verify.h"

namespace lineage {
namespace {

absl::StatusOr<std::vector<Hash>> ToHashes(
    const google::protobuf::RepeatedPtrField<std::string>& in) {
  std::vector<Hash> out;
  out.reserve(in.size());
  for (int i = 0; i < in.size(); ++i) {
    ASSIGN_OR_RETURN(Hash h, HashFromBytes(in.Get(i), absl::StrCat("hashes[", i, "]")));
    out.push_back(h);
  }
  return out;
}

}  // namespace

absl::StatusOr<LogVerifier> LogVerifier::FromVerifierKey(absl::string_view vkey) {
  ASSIGN_OR_RETURN(NoteVerifier v, NoteVerifier::Parse(vkey));
  return LogVerifier(std::move(v));
}

absl::StatusOr<Checkpoint> LogVerifier::VerifyCheckpointNote(absl::string_view note) const {
  return OpenCheckpoint(note, note_verifier_);
}

absl::StatusOr<Checkpoint> LogVerifier::VerifyCheckpoint(const v1::SignedCheckpoint& in) const {
  ASSIGN_OR_RETURN(Checkpoint c, VerifyCheckpointNote(in.note()));
  if (in.tree_size() != c.size || in.root_hash() != HashBytes(c.root) ||
      in.origin() != c.origin) {
    return absl::FailedPreconditionError(
        "checkpoint message fields disagree with its signed note");
  }
  return c;
}

absl::Status LogVerifier::VerifyInclusion(const v1::InclusionProof& proof,
                                          const Checkpoint& checkpoint) const {
  if (proof.tree_size() != checkpoint.size) {
    return absl::InvalidArgumentError(absl::StrCat("inclusion proof is for size ",
                                                   proof.tree_size(), ", checkpoint is ",
                                                   checkpoint.size));
  }
  ASSIGN_OR_RETURN(Hash leaf_hash, HashFromBytes(proof.leaf_hash(), "leaf_hash"));
  ASSIGN_OR_RETURN(std::vector<Hash> hashes, ToHashes(proof.hashes()));
  return lineage::VerifyInclusion(proof.leaf_index(), proof.tree_size(), leaf_hash, hashes,
                                  checkpoint.root);
}

absl::Status LogVerifier::VerifyConsistency(const v1::ConsistencyProof& proof,
                                            const Checkpoint& older,
                                            const Checkpoint& newer) const {
  if (proof.from_size() != older.size || proof.to_size() != newer.size) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof is for ", proof.from_size(), " -> ", proof.to_size(),
                     ", checkpoints are ", older.size, " -> ", newer.size));
  }
  ASSIGN_OR_RETURN(std::vector<Hash> hashes, ToHashes(proof.hashes()));
  return lineage::VerifyConsistency(older.size, newer.size, hashes, older.root, newer.root);
}

absl::Status LogVerifier::VerifyReceipt(const v1::Receipt& receipt,
                                        const v1::SignedEvent& sent) const {
  if (receipt.status() != v1::RECEIPT_STATUS_ACCEPTED &&
      receipt.status() != v1::RECEIPT_STATUS_DUPLICATE) {
    return absl::FailedPreconditionError(absl::StrCat("receipt is not an acceptance: ",
                                                      v1::ReceiptStatus_Name(receipt.status()),
                                                      " ", receipt.error_message()));
  }
  ASSIGN_OR_RETURN(Hash leaf_hash, HashFromBytes(receipt.leaf_hash(), "receipt.leaf_hash"));
  if (HashLeaf(receipt.leaf()) != leaf_hash) {
    return absl::FailedPreconditionError("receipt leaf does not hash to receipt leaf_hash");
  }
  ASSIGN_OR_RETURN(Leaf leaf, DecodeLeaf(receipt.leaf()));
  if (leaf.kind != EntryKind::kLineageEvent) {
    return absl::FailedPreconditionError("receipt leaf is not a lineage event entry");
  }
  ASSIGN_OR_RETURN(KeyId key_id, KeyId::FromHex(sent.key_id()));
  if (leaf.key_id != key_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "receipt leaf names key ", leaf.key_id.ToHex(), ", the event was signed by ", key_id.ToHex()));
  }
  EnvelopeRecord record{EntryKind::kLineageEvent, key_id, sent.payload_type(), sent.payload(),
                        sent.signature()};
  ASSIGN_OR_RETURN(std::string record_bytes, EncodeEnvelopeRecord(record));
  if (CommitToRecord(receipt.salt(), record_bytes) != leaf.commitment) {
    return absl::FailedPreconditionError(
        "receipt leaf does not commit to the envelope that was sent");
  }
  return absl::OkStatus();
}

}  // namespace lineage
