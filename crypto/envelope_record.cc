#include "crypto/envelope_record.h"

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "crypto/leaf.h"

namespace lineage {

absl::StatusOr<std::string> EncodeEnvelopeRecord(const EnvelopeRecord& record) {
  if (record.payload_type.size() > kMaxPayloadTypeSize) {
    return absl::InvalidArgumentError(absl::StrCat("payload_type: got ",
                                                   record.payload_type.size(),
                                                   " bytes, max ", kMaxPayloadTypeSize));
  }
  if (record.payload.size() > kMaxPayloadSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload: got ", record.payload.size(), " bytes, max ", kMaxPayloadSize));
  }
  if (record.signature.size() > kMaxSignatureSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signature: got ", record.signature.size(), " bytes, max ", kMaxSignatureSize));
  }
  std::string out;
  out.reserve(26 + kKeyIdSize + record.payload_type.size() + record.payload.size() +
              record.signature.size());
  out.push_back(static_cast<char>(kEnvelopeRecordVersion1));
  out.push_back(static_cast<char>(record.kind));
  out.append(record.key_id.AsBytes().data(), kKeyIdSize);
  AppendBigEndian<uint16_t>(out, static_cast<uint16_t>(record.payload_type.size()));
  out.append(record.payload_type);
  AppendBigEndian<uint32_t>(out, static_cast<uint32_t>(record.payload.size()));
  out.append(record.payload);
  AppendBigEndian<uint16_t>(out, static_cast<uint16_t>(record.signature.size()));
  out.append(record.signature);
  return out;
}

absl::StatusOr<EnvelopeRecord> DecodeEnvelopeRecord(absl::string_view bytes) {
  auto truncated = [&](absl::string_view field) {
    return absl::InvalidArgumentError(
        absl::StrCat("envelope record: truncated at ", field, " (", bytes.size(), " bytes)"));
  };
  if (bytes.size() < 2 + kKeyIdSize + 2) return truncated("header");
  if (static_cast<uint8_t>(bytes[0]) != kEnvelopeRecordVersion1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "envelope record: version ", static_cast<int>(static_cast<uint8_t>(bytes[0])),
        " is not supported (want 1)"));
  }
  if (!IsKnownEntryKind(static_cast<uint8_t>(bytes[1]))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "envelope record: unknown entry kind ", static_cast<int>(static_cast<uint8_t>(bytes[1]))));
  }
  EnvelopeRecord record;
  record.kind = static_cast<EntryKind>(bytes[1]);
  std::copy(bytes.begin() + 2, bytes.begin() + 2 + kKeyIdSize, record.key_id.bytes.begin());
  size_t at = 2 + kKeyIdSize;
  const size_t type_len = ReadBigEndian<uint16_t>(bytes.data() + at);
  at += 2;
  if (type_len > kMaxPayloadTypeSize) return absl::InvalidArgumentError("envelope record: payload type too long");
  if (bytes.size() < at + type_len + 4) return truncated("payload type");
  record.payload_type = std::string(bytes.substr(at, type_len));
  at += type_len;
  const size_t payload_len = ReadBigEndian<uint32_t>(bytes.data() + at);
  at += 4;
  if (payload_len > kMaxPayloadSize) return absl::InvalidArgumentError("envelope record: payload too long");
  if (bytes.size() < at + payload_len + 2) return truncated("payload");
  record.payload = std::string(bytes.substr(at, payload_len));
  at += payload_len;
  const size_t sig_len = ReadBigEndian<uint16_t>(bytes.data() + at);
  at += 2;
  if (sig_len > kMaxSignatureSize) return absl::InvalidArgumentError("envelope record: signature too long");
  if (bytes.size() != at + sig_len) {
    return absl::InvalidArgumentError(absl::StrCat("envelope record: got ", bytes.size(),
                                                   " bytes, want ", at + sig_len));
  }
  record.signature = std::string(bytes.substr(at, sig_len));
  return record;
}

Hash CommitToRecord(absl::string_view salt, absl::string_view record_bytes) {
  return Sha256Concat({salt, record_bytes});
}

}  // namespace lineage
