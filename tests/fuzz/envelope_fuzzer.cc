// envelope_fuzzer: signed envelopes from the wire through VerifySignedEvent,
// against a registry of fixed keys (fuzz_keys.h) at a fixed time.
//
// The low two bits of the first byte pick how the rest is used:
//   0, 3  the rest is a serialized lineage.v1.SignedEvent, verified as
//         sent (and also decoded as an envelope record);
//   1     the rest is an event payload, signed here with producer key
//         (byte >> 3) so the checks after the signature are reached;
//   2     the rest is a SignedEvent whose payload and payload type are
//         re-signed here with producer key (byte >> 3), its key_id kept
//         (or set to that key's ID when empty).
// Bit 2 of the first byte drops the submitting principal (the path tools
// that re-verify stored entries take).
//
// Invariants: every refusal has one of the codes event_verifier.h lists and
// a message that is valid UTF-8 (it travels in Receipt.error_message);
// an accepted event is valid, its record decodes to exactly the envelope,
// its signature verifies, and the key and principal may write every
// namespace it writes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "crypto/dsse.h"
#include "crypto/envelope_record.h"
#include "crypto/formats.h"
#include "crypto/hash.h"
#include "google/protobuf/stubs/logging.h"
#include "lineage/v1/envelope.pb.h"
#include "server/ledger/event_validator.h"
#include "server/ledger/event_verifier.h"
#include "server/ledger/key_policy.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_keys.h"

namespace lineage::fuzz {
namespace {

void Sign(v1::SignedEvent& e, const Ed25519PrivateKey& key) {
  e.set_signature(key.Sign(PreAuthEncode(e.payload_type(), e.payload())));
}

void CheckAccepted(const v1::SignedEvent& in, const VerifiedEvent& out,
                   const ProducerIdentity* producer) {
  FUZZ_CHECK(in.payload_type() == kLineageEventPayloadType);
  FUZZ_CHECK(!in.payload().empty() && in.payload().size() <= VerifyLimits().max_payload_bytes);
  FUZZ_CHECK(ValidateLineageEvent(out.event).ok());
  FUZZ_CHECK(out.key != nullptr && out.key->id.ToHex() == absl::AsciiStrToLower(in.key_id()));
  FUZZ_CHECK(CheckKeyUsable(out.key->record, FuzzNow()).ok());
  FUZZ_CHECK(out.key->public_key.Verify(PreAuthEncode(in.payload_type(), in.payload()),
                                        in.signature())
                 .ok());
  for (const std::string& ns : NamespacesWritten(out.event)) {
    FUZZ_CHECK(KeyMayWrite(out.key->record, ns));
    if (producer != nullptr) FUZZ_CHECK(NamespaceAllowed(producer->namespaces, ns));
  }
  if (producer != nullptr) FUZZ_CHECK(out.key->record.owner() == producer->principal);
  absl::StatusOr<EnvelopeRecord> record = DecodeEnvelopeRecord(out.record);
  FUZZ_CHECK(record.ok());
  FUZZ_CHECK(record->kind == EntryKind::kLineageEvent);
  FUZZ_CHECK(record->key_id == out.key->id);
  FUZZ_CHECK(record->payload_type == in.payload_type());
  FUZZ_CHECK(record->payload == in.payload());
  FUZZ_CHECK(record->signature == in.signature());
  FUZZ_CHECK(out.payload_digest == Sha256(in.payload()));
}

}  // namespace
}  // namespace lineage::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  lineage::fuzz::FuzzRegistry();  // Build the keys outside the timed runs.
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lineage;
  using namespace lineage::fuzz;
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const int mode = selector & 3;
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const Ed25519PrivateKey& key = ProducerKey(selector >> 3);

  v1::SignedEvent in;
  switch (mode) {
    case 0:
    case 3: {
      if (!in.ParseFromString(rest)) {
        Report("ParseFromString", absl::InvalidArgumentError("not a SignedEvent"));
        return 0;
      }
      // The same bytes as a stored envelope record: must not crash.
      (void)DecodeEnvelopeRecord(rest);
      break;
    }
    case 1:
      in.set_payload(rest);
      in.set_payload_type(std::string(kLineageEventPayloadType));
      in.set_key_id(KeyId::Of(key.public_key()).ToHex());
      Sign(in, key);
      break;
    case 2:
      if (!in.ParseFromString(rest)) return 0;
      if (in.key_id().empty()) in.set_key_id(KeyId::Of(key.public_key()).ToHex());
      Sign(in, key);
      break;
  }

  const ProducerIdentity* producer = (selector & 4) != 0 ? nullptr : &FuzzProducer();
  absl::StatusOr<VerifiedEvent> verified =
      VerifySignedEvent(in, FuzzRegistry(), FuzzNow(), VerifyLimits(), producer);
  Report("VerifySignedEvent", verified.status());
  FUZZ_CHECK_CODE(verified.status(), absl::StatusCode::kInvalidArgument,
                  absl::StatusCode::kResourceExhausted, absl::StatusCode::kUnauthenticated,
                  absl::StatusCode::kPermissionDenied);
  FUZZ_CHECK(IsValidUtf8(verified.status().message()));  // Receipt.error_message.
  if (verified.ok()) CheckAccepted(in, *verified, producer);
  return 0;
}
