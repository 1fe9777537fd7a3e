#include "server/ledger/event_verifier.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/quote.h"
#include "common/status_macros.h"
#include "crypto/dsse.h"
#include "crypto/envelope_record.h"
#include "crypto/formats.h"
#include "server/ledger/event_validator.h"
#include "server/ledger/key_policy.h"

namespace lineage {

absl::StatusOr<VerifiedEvent> VerifySignedEvent(const v1::SignedEvent& in,
                                                const KeyRegistry& registry, absl::Time now,
                                                const VerifyLimits& limits,
                                                const ProducerIdentity* producer) {
  if (in.payload_type() != kLineageEventPayloadType) {
    return absl::InvalidArgumentError(absl::StrCat("payload_type: got ",
                                                   QuoteUntrusted(in.payload_type(), 100),
                                                   ", want \"", kLineageEventPayloadType, "\""));
  }
  if (in.payload().size() > limits.max_payload_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("payload: got ", in.payload().size(),
                                                     " bytes, max ", limits.max_payload_bytes,
                                                     "; split the event"));
  }
  if (in.payload().empty()) return absl::InvalidArgumentError("payload: empty");
  ASSIGN_OR_RETURN(KeyId key_id, KeyId::FromHex(in.key_id()));
  if (in.signature().size() != kEd25519SignatureSize) {
    return absl::InvalidArgumentError(absl::StrCat("signature: got ", in.signature().size(),
                                                   " bytes, want 64 (Ed25519)"));
  }
  std::shared_ptr<const RegisteredKey> key = registry.Find(key_id);
  if (key == nullptr) {
    return absl::UnauthenticatedError(absl::StrCat(
        "key_id ", key_id.ToHex(), " is not a registered producer key; register it first"));
  }
  RETURN_IF_ERROR(CheckKeyUsable(key->record, now));
  if (!key->public_key.Verify(PreAuthEncode(in.payload_type(), in.payload()), in.signature()).ok()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "signature does not verify under key ", key_id.ToHex(),
        " (sign PAE(payload_type, payload) with the key's Ed25519 private key)"));
  }

  if (producer != nullptr && key->record.owner() != producer->principal) {
    return absl::PermissionDeniedError(absl::StrCat(
        "key ", key_id.ToHex(), " belongs to principal \"", key->record.owner(),
        "\", not to the caller \"", producer->principal,
        "\"; sign with a key registered to you"));
  }
  VerifiedEvent out;
  if (!out.event.ParseFromString(in.payload())) {
    return absl::InvalidArgumentError(
        "payload: not a valid serialized lineage.v1.LineageEvent (or a string field is not UTF-8)");
  }
  RETURN_IF_ERROR(ValidateLineageEvent(out.event));
  for (const std::string& ns : NamespacesWritten(out.event)) {
    if (!KeyMayWrite(key->record, ns)) {
      return absl::PermissionDeniedError(
          absl::StrCat("key ", key_id.ToHex(), " may not write namespace \"", ns,
                       "\" (it may write: ", absl::StrJoin(key->record.namespaces(), ", "), ")"));
    }
    if (producer != nullptr && !NamespaceAllowed(producer->namespaces, ns)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "principal \"", producer->principal, "\" may not write namespace \"", ns,
          "\" (the access policy lets it write: ", absl::StrJoin(producer->namespaces, ", "),
          ")"));
    }
  }
  EnvelopeRecord record{EntryKind::kLineageEvent, key_id, in.payload_type(), in.payload(),
                        in.signature()};
  ASSIGN_OR_RETURN(out.record, EncodeEnvelopeRecord(record));
  out.payload_digest = Sha256(in.payload());
  out.key = std::move(key);
  return out;
}

}  // namespace lineage
