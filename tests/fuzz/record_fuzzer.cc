// record_fuzzer: the two fixed byte layouts a leaf commits through
// (crypto/leaf.h, crypto/envelope_record.h).
//
// Every input is decoded as a leaf and as an envelope record; a decoder
// that accepts must have been given exactly the encoding of what it
// returns: encode(decode(x)) == x. The input is also read as fields
// (kind, time, key ID, lengths, payload type, payload, signature) that are
// encoded and must decode back to the same fields, or be refused for a
// length over its limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "crypto/envelope_record.h"
#include "crypto/leaf.h"
#include "tests/fuzz/fuzz_check.h"

namespace lineage::fuzz {
namespace {

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

void RoundTripBytes(absl::string_view bytes) {
  absl::StatusOr<Leaf> leaf = DecodeLeaf(bytes);
  Report("DecodeLeaf", leaf.status());
  FUZZ_CHECK_CODE(leaf.status(), kInvalid);
  if (leaf.ok()) FUZZ_CHECK(EncodeLeaf(*leaf) == bytes);

  absl::StatusOr<EnvelopeRecord> record = DecodeEnvelopeRecord(bytes);
  Report("DecodeEnvelopeRecord", record.status());
  FUZZ_CHECK_CODE(record.status(), kInvalid);
  if (record.ok()) {
    absl::StatusOr<std::string> encoded = EncodeEnvelopeRecord(*record);
    FUZZ_CHECK(encoded.ok() && *encoded == bytes);
  }
}

void RoundTripFields(ByteReader& in) {
  const uint8_t kind = 1 + in.U8() % 3;
  Leaf leaf;
  leaf.kind = static_cast<EntryKind>(kind);
  leaf.integrated_time_micros = in.U64();
  const std::string key_id = in.Bytes(kKeyIdSize);
  std::copy(key_id.begin(), key_id.end(), leaf.key_id.bytes.begin());
  const std::string commitment = in.Bytes(kHashSize);
  std::copy(commitment.begin(), commitment.end(), leaf.commitment.begin());
  const std::string leaf_bytes = EncodeLeaf(leaf);
  FUZZ_CHECK(leaf_bytes.size() == kLeafV1Size);
  absl::StatusOr<Leaf> decoded_leaf = DecodeLeaf(leaf_bytes);
  FUZZ_CHECK(decoded_leaf.ok());
  FUZZ_CHECK(decoded_leaf->kind == leaf.kind &&
             decoded_leaf->integrated_time_micros == leaf.integrated_time_micros &&
             decoded_leaf->key_id == leaf.key_id && decoded_leaf->commitment == leaf.commitment);

  EnvelopeRecord record;
  record.kind = leaf.kind;
  record.key_id = leaf.key_id;
  // Lengths may pass the limits (type <= 256, signature <= 1024) so the
  // encoder's refusals are exercised too.
  record.payload_type = in.Bytes(in.U16() % 300);
  record.signature = in.Bytes(in.U16() % 1100);
  record.payload = in.Rest();
  absl::StatusOr<std::string> encoded = EncodeEnvelopeRecord(record);
  FUZZ_CHECK_CODE(encoded.status(), kInvalid);
  const bool fits = record.payload_type.size() <= kMaxPayloadTypeSize &&
                    record.payload.size() <= kMaxPayloadSize &&
                    record.signature.size() <= kMaxSignatureSize;
  FUZZ_CHECK(encoded.ok() == fits);
  if (!encoded.ok()) return;
  absl::StatusOr<EnvelopeRecord> decoded = DecodeEnvelopeRecord(*encoded);
  FUZZ_CHECK(decoded.ok());
  FUZZ_CHECK(decoded->kind == record.kind && decoded->key_id == record.key_id &&
             decoded->payload_type == record.payload_type &&
             decoded->payload == record.payload && decoded->signature == record.signature);
}

}  // namespace
}  // namespace lineage::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lineage::fuzz::RoundTripBytes(absl::string_view(reinterpret_cast<const char*>(data), size));
  lineage::fuzz::ByteReader in(data, size);
  lineage::fuzz::RoundTripFields(in);
  return 0;
}
