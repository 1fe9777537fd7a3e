// Log leaves, v1 (crypto/leaf.h).
#include "crypto/leaf.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "crypto/merkle_hash.h"
#include "gtest/gtest.h"

namespace lineage {
namespace {

// Golden bytes written from the layout in leaf.h with python3:
//   import hashlib, struct
//   (bytes([1, 1]) + struct.pack(">Q", 1700000000123456) + bytes(range(16))
//    + hashlib.sha256(b"commitment").digest()).hex()
constexpr absl::string_view kGoldenLeafHex =
    "01"                                                                 // version 1
    "01"                                                                 // lineage event
    "00060a2418202240"                                                   // time, BE
    "000102030405060708090a0b0c0d0e0f"                                   // key ID
    "6a19f0fb4be54511524bcd5b0c98b38da1ee049a39735c39311e10336024436f";  // commitment
// hashlib.sha256(b"\x00" + leaf).hexdigest()
constexpr absl::string_view kGoldenLeafHashHex =
    "faee8db87d54fcdcd0c28609dc9384ca197d87b4ca8de5fe764424a49efb969b";

Leaf GoldenLeaf() {
  Leaf leaf;
  leaf.kind = EntryKind::kLineageEvent;
  leaf.integrated_time_micros = 1700000000123456;
  for (size_t i = 0; i < kKeyIdSize; ++i) leaf.key_id.bytes[i] = static_cast<uint8_t>(i);
  leaf.commitment = Sha256("commitment");
  return leaf;
}

TEST(LeafTest, EncodesGoldenBytes) {
  const std::string bytes = EncodeLeaf(GoldenLeaf());
  EXPECT_EQ(bytes.size(), kLeafV1Size);
  EXPECT_EQ(absl::BytesToHexString(bytes), kGoldenLeafHex);
  EXPECT_EQ(HashToHex(HashLeaf(bytes)), kGoldenLeafHashHex);
}

TEST(LeafTest, DecodeRoundTripsEveryKind) {
  for (EntryKind kind :
       {EntryKind::kLineageEvent, EntryKind::kKeyRegistered, EntryKind::kKeyRevoked}) {
    Leaf leaf = GoldenLeaf();
    leaf.kind = kind;
    leaf.integrated_time_micros = ~uint64_t{0} - static_cast<uint64_t>(kind);
    absl::StatusOr<Leaf> back = DecodeLeaf(EncodeLeaf(leaf));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->kind, kind);
    EXPECT_EQ(back->integrated_time_micros, leaf.integrated_time_micros);
    EXPECT_EQ(back->key_id, leaf.key_id);
    EXPECT_EQ(back->commitment, leaf.commitment);
  }
}

TEST(LeafTest, DecodesGoldenBytes) {
  absl::StatusOr<Leaf> leaf = DecodeLeaf(absl::HexStringToBytes(kGoldenLeafHex));
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  const Leaf want = GoldenLeaf();
  EXPECT_EQ(leaf->kind, want.kind);
  EXPECT_EQ(leaf->integrated_time_micros, want.integrated_time_micros);
  EXPECT_EQ(leaf->key_id, want.key_id);
  EXPECT_EQ(leaf->commitment, want.commitment);
}

TEST(LeafTest, DecodeRejectsWrongSize) {
  const std::string bytes = EncodeLeaf(GoldenLeaf());
  EXPECT_EQ(DecodeLeaf(bytes.substr(0, 57)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeLeaf(bytes + "x").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeLeaf("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LeafTest, DecodeRejectsUnknownVersion) {
  for (char version : {'\x00', '\x02', '\xff'}) {
    std::string bytes = EncodeLeaf(GoldenLeaf());
    bytes[0] = version;
    EXPECT_EQ(DecodeLeaf(bytes).status().code(), absl::StatusCode::kInvalidArgument)
        << static_cast<int>(version);
  }
}

TEST(LeafTest, DecodeRejectsUnknownKind) {
  for (char kind : {'\x00', '\x04', '\xff'}) {
    std::string bytes = EncodeLeaf(GoldenLeaf());
    bytes[1] = kind;
    EXPECT_EQ(DecodeLeaf(bytes).status().code(), absl::StatusCode::kInvalidArgument)
        << static_cast<int>(kind);
  }
  EXPECT_FALSE(IsKnownEntryKind(0));
  EXPECT_TRUE(IsKnownEntryKind(1));
  EXPECT_TRUE(IsKnownEntryKind(2));
  EXPECT_TRUE(IsKnownEntryKind(3));
  EXPECT_FALSE(IsKnownEntryKind(4));
}

}  // namespace
}  // namespace lineage
