// Envelope records, v1 (crypto/envelope_record.h).
#include "crypto/envelope_record.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace lineage {
namespace {

KeyId TestKeyId() {
  KeyId id;
  for (size_t i = 0; i < kKeyIdSize; ++i) id.bytes[i] = static_cast<uint8_t>(0xa0 + i);
  return id;
}

EnvelopeRecord GoldenRecord() {
  EnvelopeRecord r;
  r.kind = EntryKind::kLineageEvent;
  r.key_id = TestKeyId();
  r.payload_type = "text/plain";
  r.payload = "hello";
  r.signature = "\xde\xad\xbe\xef";
  return r;
}

// Golden bytes written from the layout in envelope_record.h with python3:
//   kid = bytes(range(0xa0, 0xb0)); pt = b"text/plain"; sig = bytes.fromhex("deadbeef")
//   (bytes([1, 1]) + kid + struct.pack(">H", len(pt)) + pt + struct.pack(">I", 5)
//    + b"hello" + struct.pack(">H", len(sig)) + sig).hex()
constexpr absl::string_view kGoldenRecordHex =
    "01"                                // version 1
    "01"                                // lineage event
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"  // key ID
    "000a"                              // T = 10
    "746578742f706c61696e"              // "text/plain"
    "00000005"                          // P = 5
    "68656c6c6f"                        // "hello"
    "0004"                              // S = 4
    "deadbeef";                         // signature
// A key change: no payload, no signature.
constexpr absl::string_view kGoldenKeyChangeHex =
    "0102a0a1a2a3a4a5a6a7a8a9aaabacadaeaf000a746578742f706c61696e000000000000";
// hashlib.sha256(b"\x5a" * 32 + record).hexdigest()
constexpr absl::string_view kGoldenCommitmentHex =
    "c2cf5344f9a078061be605f609839149168fba4f31d90ccf3022ea9c59fc3eea";

void ExpectSameRecord(const EnvelopeRecord& got, const EnvelopeRecord& want) {
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.key_id, want.key_id);
  EXPECT_EQ(got.payload_type, want.payload_type);
  EXPECT_EQ(got.payload, want.payload);
  EXPECT_EQ(got.signature, want.signature);
}

TEST(EnvelopeRecordTest, EncodesGoldenBytes) {
  absl::StatusOr<std::string> bytes = EncodeEnvelopeRecord(GoldenRecord());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(absl::BytesToHexString(*bytes), kGoldenRecordHex);

  EnvelopeRecord key_change = GoldenRecord();
  key_change.kind = EntryKind::kKeyRegistered;
  key_change.payload.clear();
  key_change.signature.clear();
  absl::StatusOr<std::string> key_change_bytes = EncodeEnvelopeRecord(key_change);
  ASSERT_TRUE(key_change_bytes.ok()) << key_change_bytes.status();
  EXPECT_EQ(absl::BytesToHexString(*key_change_bytes), kGoldenKeyChangeHex);
}

TEST(EnvelopeRecordTest, DecodesGoldenBytes) {
  absl::StatusOr<EnvelopeRecord> record =
      DecodeEnvelopeRecord(absl::HexStringToBytes(kGoldenRecordHex));
  ASSERT_TRUE(record.ok()) << record.status();
  ExpectSameRecord(*record, GoldenRecord());
}

TEST(EnvelopeRecordTest, RoundTripsEdgeSizes) {
  EnvelopeRecord big = GoldenRecord();
  big.kind = EntryKind::kKeyRevoked;
  big.payload_type = std::string(kMaxPayloadTypeSize, 't');
  big.payload = std::string(kMaxPayloadSize, '\0');
  big.signature = std::string(kMaxSignatureSize, '\xff');
  EnvelopeRecord empty = GoldenRecord();
  empty.payload_type.clear();
  empty.payload.clear();
  empty.signature.clear();
  for (const EnvelopeRecord& r : {GoldenRecord(), big, empty}) {
    absl::StatusOr<std::string> bytes = EncodeEnvelopeRecord(r);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    EXPECT_EQ(bytes->size(), 26 + r.payload_type.size() + r.payload.size() + r.signature.size());
    absl::StatusOr<EnvelopeRecord> back = DecodeEnvelopeRecord(*bytes);
    ASSERT_TRUE(back.ok()) << back.status();
    ExpectSameRecord(*back, r);
  }
}

TEST(EnvelopeRecordTest, EncodeRejectsFieldsOverTheirLimits) {
  EnvelopeRecord r = GoldenRecord();
  r.payload_type = std::string(kMaxPayloadTypeSize + 1, 't');
  EXPECT_EQ(EncodeEnvelopeRecord(r).status().code(), absl::StatusCode::kInvalidArgument);
  r = GoldenRecord();
  r.payload = std::string(kMaxPayloadSize + 1, 'p');
  EXPECT_EQ(EncodeEnvelopeRecord(r).status().code(), absl::StatusCode::kInvalidArgument);
  r = GoldenRecord();
  r.signature = std::string(kMaxSignatureSize + 1, 's');
  EXPECT_EQ(EncodeEnvelopeRecord(r).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EnvelopeRecordTest, DecodeRejectsEveryTruncation) {
  const std::string bytes = absl::HexStringToBytes(kGoldenRecordHex);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(DecodeEnvelopeRecord(bytes.substr(0, n)).status().code(),
              absl::StatusCode::kInvalidArgument)
        << "first " << n << " of " << bytes.size() << " bytes";
  }
}

TEST(EnvelopeRecordTest, DecodeRejectsTrailingBytes) {
  const std::string bytes = absl::HexStringToBytes(kGoldenRecordHex);
  EXPECT_EQ(DecodeEnvelopeRecord(bytes + '\0').status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeEnvelopeRecord(bytes + "garbage").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EnvelopeRecordTest, DecodeRejectsBadHeaderAndOverlongLengths) {
  const std::string good = absl::HexStringToBytes(kGoldenRecordHex);
  std::string bad = good;
  bad[0] = '\x02';
  EXPECT_EQ(DecodeEnvelopeRecord(bad).status().code(), absl::StatusCode::kInvalidArgument)
      << "version 2";
  bad = good;
  bad[1] = '\x09';
  EXPECT_EQ(DecodeEnvelopeRecord(bad).status().code(), absl::StatusCode::kInvalidArgument)
      << "kind 9";
  // A payload type length of 257 with 257 bytes present is still refused.
  EnvelopeRecord r = GoldenRecord();
  r.payload_type = std::string(kMaxPayloadTypeSize, 't');
  absl::StatusOr<std::string> max_type = EncodeEnvelopeRecord(r);
  ASSERT_TRUE(max_type.ok());
  std::string overlong = *max_type;
  overlong[19] = '\x01';  // T: 0x0100 -> 0x0101
  overlong.insert(20, "t");
  EXPECT_EQ(DecodeEnvelopeRecord(overlong).status().code(), absl::StatusCode::kInvalidArgument);
  // A payload length claiming more than the 4 MiB limit.
  bad = good;
  bad[30] = '\x7f';  // P's high byte, at offset 20 + T = 30.
  EXPECT_EQ(DecodeEnvelopeRecord(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EnvelopeRecordTest, CommitToRecordIsSha256OfSaltThenRecord) {
  const std::string salt(kCommitmentSaltSize, '\x5a');
  const std::string record = absl::HexStringToBytes(kGoldenRecordHex);
  EXPECT_EQ(HashToHex(CommitToRecord(salt, record)), kGoldenCommitmentHex);
  EXPECT_EQ(CommitToRecord(salt, record), Sha256(salt + record));
  EXPECT_NE(CommitToRecord(record, salt), CommitToRecord(salt, record));
}

}  // namespace
}  // namespace lineage
