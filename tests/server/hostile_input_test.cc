// Hostile inputs over real gRPC, RocksDB and keys: the rows of
// docs/security.md that ingest_service_test.cc, log_service_test.cc and
// key_service_test.cc do not already cover. Each test states what the
// server (or the offline verifier) answers.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/checkpoint.h"
#include "crypto/hash.h"
#include "crypto/merkle_verify.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/events.h"
#include "tests/testing/ledger_harness.h"

namespace lineage {
namespace {

using ::lineage::testing::LedgerHarness;
using ::lineage::testing::MakeRunEvent;
using ::testing::HasSubstr;

constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();

int Code(absl::StatusCode code) { return static_cast<int>(code); }

// Well-formed UTF-8 (RFC 3629), what a proto3 string field must hold.
bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;  // Continuation bytes.
    uint32_t cp = c;
    if (c >= 0x80) {
      if ((c & 0xe0) == 0xc0) {
        n = 1;
      } else if ((c & 0xf0) == 0xe0) {
        n = 2;
      } else if ((c & 0xf8) == 0xf0) {
        n = 3;
      } else {
        return false;
      }
      cp = c & (0x3f >> n);
    }
    if (i + n >= s.size() && n > 0) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

// Unknown field 100 nested `depth` times as groups (start 0xa3 0x06, end
// 0xa4 0x06), appended to a valid event: protobuf parses unknown groups
// recursively, up to its recursion limit (100 by default).
std::string WithNestedGroups(std::string payload, int depth) {
  for (int i = 0; i < depth; ++i) payload += "\xa3\x06";
  for (int i = 0; i < depth; ++i) payload += "\xa4\x06";
  return payload;
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    auto signer = harness_.AddProducer({"acme.ml/*"});
    ASSERT_TRUE(signer.ok()) << signer.status();
    signer_ = std::make_unique<EventSigner>(*std::move(signer));
  }

  uint64_t TreeSize() {
    auto checkpoint = harness_.client().GetCheckpoint();
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status();
    return checkpoint.ok() ? checkpoint->tree_size() : 0;
  }

  v1::Receipt AppendOne(const v1::SignedEvent& e) {
    auto response = harness_.client().AppendEvents({e});
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok() || response->receipts_size() != 1) return v1::Receipt();
    return response->receipts(0);
  }

  std::string Serialize(const v1::LineageEvent& event) {
    std::string out;
    event.SerializeToString(&out);
    return out;
  }

  LedgerHarness harness_;
  std::unique_ptr<EventSigner> signer_;
};

TEST_F(HostileInputTest, InvalidUtf8InAPayloadStringIsInvalidArgument) {
  // Field 3 (namespace) again, holding 0xC3 0x28: not UTF-8. The signature
  // is valid: the parse after it refuses the bytes.
  const std::string payload =
      Serialize(MakeRunEvent("acme.ml/fraud", "utf8")) + std::string("\x1a\x02\xc3\x28", 4);
  const v1::Receipt receipt = AppendOne(signer_->SignPayload(payload));
  EXPECT_EQ(receipt.status(), v1::RECEIPT_STATUS_REJECTED);
  EXPECT_EQ(receipt.error_code(), Code(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(receipt.error_message(), HasSubstr("string field is not UTF-8"));
}

TEST_F(HostileInputTest, InvalidUtf8InTheRequestsOwnStringsFailsTheCall) {
  // SignedEvent.key_id is a string of the request itself: gRPC cannot parse
  // the request, so no handler runs and the whole call fails. gRPC 1.51's
  // callback API answers UNIMPLEMENTED with an empty message (and protobuf
  // logs one line on the server).
  v1::SignedEvent event = signer_->Sign(MakeRunEvent("acme.ml/fraud", "key-utf8"));
  event.set_key_id(std::string(32, '\xff'));
  const uint64_t size = TreeSize();
  auto response = harness_.client().AppendEvents({event});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnimplemented) << response.status();
  EXPECT_EQ(TreeSize(), size);
}

TEST_F(HostileInputTest, OversizedSignaturesAreInvalidArgument) {
  for (size_t length : {size_t{65}, size_t{1} << 20}) {
    v1::SignedEvent event = signer_->Sign(MakeRunEvent("acme.ml/fraud", "sig"));
    event.mutable_signature()->resize(length, 'x');
    const v1::Receipt receipt = AppendOne(event);
    EXPECT_EQ(receipt.error_code(), Code(absl::StatusCode::kInvalidArgument)) << length;
    EXPECT_THAT(receipt.error_message(),
                HasSubstr(absl::StrCat("signature: got ", length, " bytes, want 64 (Ed25519)")));
  }
}

TEST_F(HostileInputTest, TenMegabyteAttributeIsRefusedBeforeTheSignatureIsChecked) {
  v1::LineageEvent event = MakeRunEvent("acme.ml/fraud", "10mb");
  (*event.mutable_attributes())["blob"] = std::string(10 << 20, 'x');
  v1::SignedEvent sent = signer_->Sign(event);
  sent.mutable_signature()->assign(64, '\0');  // Not even looked at.
  const v1::Receipt receipt = AppendOne(sent);
  EXPECT_EQ(receipt.error_code(), Code(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(receipt.error_message(), HasSubstr("bytes, max 1048576; split the event"));
}

TEST_F(HostileInputTest, AttributeOverSixtyFourKibibytesIsInvalidArgument) {
  v1::LineageEvent event = MakeRunEvent("acme.ml/fraud", "64k");
  (*event.mutable_attributes())["blob"] = std::string((64 << 10) + 1, 'x');
  const v1::Receipt receipt = AppendOne(signer_->Sign(event));
  EXPECT_EQ(receipt.error_code(), Code(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(receipt.error_message(),
              HasSubstr("event.attributes[\"blob\"]: got 65537 bytes, want at most 65536"));
}

TEST_F(HostileInputTest, DeeplyNestedUnknownFieldsPastTheRecursionLimitAreInvalidArgument) {
  const std::string event = Serialize(MakeRunEvent("acme.ml/fraud", "deep"));
  const v1::Receipt deep = AppendOne(signer_->SignPayload(WithNestedGroups(event, 200)));
  EXPECT_EQ(deep.error_code(), Code(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(deep.error_message(), HasSubstr("not a valid serialized lineage.v1.LineageEvent"));

  // Within the limit, unknown fields are kept as signed: the event is
  // accepted and its stored payload is the exact bytes, unknown fields
  // included.
  const std::string shallow_payload =
      WithNestedGroups(Serialize(MakeRunEvent("acme.ml/fraud", "shallow")), 50);
  const v1::Receipt shallow = AppendOne(signer_->SignPayload(shallow_payload));
  ASSERT_EQ(shallow.status(), v1::RECEIPT_STATUS_ACCEPTED) << shallow.error_message();
  auto entries = harness_.client().GetEntries(shallow.log_index(), 1);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ(entries->entries(0).signed_event().payload(), shallow_payload);
}

TEST_F(HostileInputTest, ControlCharactersInIdsAndNamespacesAreInvalidArgument) {
  v1::LineageEvent id = MakeRunEvent("acme.ml/fraud", "ctl");
  id.set_event_id("event\x1b[2J");
  const v1::Receipt bad_id = AppendOne(signer_->Sign(id));
  EXPECT_EQ(bad_id.error_code(), Code(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(bad_id.error_message(), HasSubstr("event.event_id: got"));
  EXPECT_THAT(bad_id.error_message(), HasSubstr("want printable ASCII without spaces"));

  const v1::Receipt bad_ns = AppendOne(signer_->Sign(MakeRunEvent("acme.ml/fr\naud", "ctl")));
  EXPECT_EQ(bad_ns.error_code(), Code(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(bad_ns.error_message(), HasSubstr("event.namespace: got"));
  EXPECT_THAT(bad_ns.error_message(), HasSubstr("want no control characters"));
  // The offending bytes are escaped, never echoed raw to the producer.
  for (const v1::Receipt& r : {bad_id, bad_ns}) {
    EXPECT_EQ(r.error_message().find_first_of("\x1b\n"), std::string::npos) << r.error_message();
  }
}

TEST_F(HostileInputTest, ErrorMessagesQuotingLongValuesStayValidUtf8) {
  // The validator quotes at most 64 bytes of a bad value. Cutting inside
  // the two-byte 'é' would put invalid UTF-8 into Receipt.error_message,
  // and the client could not parse the response carrying the receipts.
  v1::LineageEvent event = MakeRunEvent("acme.ml/fraud", "utf8-cut");
  event.set_event_id(std::string(63, 'a') + "\xc3\xa9" + "tail");
  v1::SignedEvent good = signer_->Sign(MakeRunEvent("acme.ml/fraud", "same-batch"));
  auto response = harness_.client().AppendEvents({signer_->Sign(event), good});
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->receipts_size(), 2);
  EXPECT_EQ(response->receipts(0).error_code(), Code(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(IsValidUtf8(response->receipts(0).error_message()));
  EXPECT_EQ(response->receipts(1).status(), v1::RECEIPT_STATUS_ACCEPTED);

  // The same for a payload type and a key ID longer than what is quoted.
  v1::SignedEvent type = good;
  type.set_payload_type(std::string(99, 't') + "\xc3\xa9");
  EXPECT_TRUE(IsValidUtf8(AppendOne(type).error_message()));
  v1::SignedEvent key = good;
  key.set_key_id(std::string(79, 'k') + "\xc3\xa9");
  const v1::Receipt key_receipt = AppendOne(key);
  EXPECT_EQ(key_receipt.error_code(), Code(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(IsValidUtf8(key_receipt.error_message()));
}

TEST_F(HostileInputTest, SameEventTwiceInOneBatchIsAppendedOnce) {
  const v1::SignedEvent event = signer_->Sign(MakeRunEvent("acme.ml/fraud", "twice"));
  const uint64_t size = TreeSize();
  auto response = harness_.client().AppendEvents({event, event});
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->receipts_size(), 2);
  EXPECT_EQ(response->receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED);
  EXPECT_EQ(response->receipts(1).status(), v1::RECEIPT_STATUS_DUPLICATE);
  EXPECT_EQ(response->receipts(1).log_index(), response->receipts(0).log_index());
  EXPECT_EQ(TreeSize(), size + 1);
}

TEST_F(HostileInputTest, RequestOverSixtyFourMebibytesIsResourceExhausted) {
  v1::SignedEvent event = signer_->Sign(MakeRunEvent("acme.ml/fraud", "65mb"));
  event.mutable_payload()->append(65 << 20, 'x');
  auto response = harness_.client().AppendEvents({event});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("larger than max"));
}

TEST_F(HostileInputTest, LogReadsWithIndicesAndSizesOf2To64Minus1) {
  ASSERT_EQ(AppendOne(signer_->Sign(MakeRunEvent("acme.ml/fraud", "r"))).status(),
            v1::RECEIPT_STATUS_ACCEPTED);
  const std::string latest = absl::StrCat(TreeSize());
  auto index = harness_.client().GetInclusionProofByIndex(kMax64);
  EXPECT_EQ(index.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(index.status().message(),
              HasSubstr("leaf_index 18446744073709551615 is beyond the log (size " + latest));
  auto tree_size = harness_.client().GetInclusionProofByIndex(0, kMax64);
  EXPECT_EQ(tree_size.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(tree_size.status().message(), HasSubstr("tree_size: got 18446744073709551615"));
  auto to = harness_.client().GetConsistencyProof(kMax64, kMax64);
  EXPECT_EQ(to.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(to.status().message(), HasSubstr("to_size: got 18446744073709551615"));
  auto from = harness_.client().GetConsistencyProof(kMax64);
  EXPECT_EQ(from.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(from.status().message(),
              HasSubstr("from_size: got 18446744073709551615, want 1 to " + latest));
  auto start = harness_.client().GetEntries(kMax64, 1000);
  EXPECT_EQ(start.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(start.status().message(), HasSubstr("start: got 18446744073709551615"));
  auto count = harness_.client().GetEntries(0, std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(count.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(count.status().message(), HasSubstr("count: got 4294967295, want 1 to 1000"));
}

TEST_F(HostileInputTest, ProofsWithAnExtraOrAMissingHashDoNotVerify) {
  std::vector<v1::SignedEvent> batch;
  for (int i = 0; i < 6; ++i) {
    batch.push_back(signer_->Sign(MakeRunEvent("acme.ml/fraud", absl::StrCat("p", i))));
  }
  ASSERT_TRUE(harness_.client().AppendEvents(batch).ok());
  auto checkpoint = harness_.verifier().VerifyCheckpoint(*harness_.client().GetCheckpoint());
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();

  auto inclusion = harness_.client().GetInclusionProofByIndex(2, checkpoint->size);
  ASSERT_TRUE(inclusion.ok()) << inclusion.status();
  ASSERT_TRUE(harness_.verifier().VerifyInclusion(*inclusion, *checkpoint).ok());
  v1::InclusionProof extra = *inclusion;
  extra.add_hashes(inclusion->hashes(0));
  absl::Status status = harness_.verifier().VerifyInclusion(extra, *checkpoint);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("got ", extra.hashes_size(), " hashes, want ",
                                                       inclusion->hashes_size())));
  v1::InclusionProof missing = *inclusion;
  missing.mutable_hashes()->RemoveLast();
  status = harness_.verifier().VerifyInclusion(missing, *checkpoint);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("too few"));

  auto consistency = harness_.client().GetConsistencyProof(3, checkpoint->size);
  ASSERT_TRUE(consistency.ok()) << consistency.status();
  auto root3 = harness_.client().GetInclusionProofByIndex(0, 3);
  ASSERT_TRUE(root3.ok());
  std::vector<Hash> path;
  for (const std::string& h : root3->hashes()) path.push_back(*HashFromBytes(h));
  Checkpoint older{checkpoint->origin, 3, {}, {}};
  older.root = *RootFromInclusionProof(0, 3, *HashFromBytes(root3->leaf_hash()), path);
  ASSERT_TRUE(harness_.verifier().VerifyConsistency(*consistency, older, *checkpoint).ok());
  v1::ConsistencyProof more = *consistency;
  more.add_hashes(consistency->hashes(0));
  status = harness_.verifier().VerifyConsistency(more, older, *checkpoint);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("too many"));
  v1::ConsistencyProof fewer = *consistency;
  fewer.mutable_hashes()->RemoveLast();
  status = harness_.verifier().VerifyConsistency(fewer, older, *checkpoint);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("too few"));
}

}  // namespace
}  // namespace lineage
