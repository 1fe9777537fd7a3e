// make_seeds: writes the seed corpus of every fuzz target, from the real
// formats, into <dir>/<fuzzer>/<name>. Run it when a format changes:
//
//   build-fuzz/tests/fuzz/make_seeds tests/fuzz/corpus
//
// Valid inputs (a signed event that verifies under fuzz_keys.h, the proofs
// of the 8-leaf tree of tests/testdata/merkle-vectors.json, the checkpoint
// of docs/formats.md section 6) and the hostile ones docs/security.md lists
// (truncated and oversized signatures, invalid UTF-8, control characters,
// deep nesting, sizes of 2^64-1, a key of another principal, ...).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "client/event_signer.h"
#include "crypto/checkpoint.h"
#include "crypto/envelope_record.h"
#include "crypto/leaf.h"
#include "crypto/merkle_hash.h"
#include "crypto/signed_note.h"
#include "google/protobuf/stubs/logging.h"
#include "tests/crypto/reference_tree.h"
#include "tests/fuzz/fuzz_keys.h"
#include "tests/testing/events.h"

namespace lineage::fuzz {
namespace {

std::filesystem::path g_root;

void Write(const std::string& fuzzer, const std::string& name, const std::string& bytes) {
  const std::filesystem::path dir = g_root / fuzzer;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "make_seeds: cannot write %s/%s\n", fuzzer.c_str(), name.c_str());
    std::exit(1);
  }
}

std::string Serialize(const v1::LineageEvent& e) {
  std::string out;
  e.SerializeToString(&out);
  return out;
}

std::string Serialize(const v1::SignedEvent& e) {
  std::string out;
  e.SerializeToString(&out);
  return out;
}

std::string U64(uint64_t v) {
  std::string out;
  for (int b = 7; b >= 0; --b) out.push_back(static_cast<char>(v >> (8 * b)));
  return out;
}

std::string U16(uint16_t v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v)}; }

std::string Bytes(const Hash& h) { return std::string(HashBytes(h)); }

// One byte (a plain "\x00" literal would be an empty C string).
std::string Byte(uint8_t b) { return std::string(1, static_cast<char>(b)); }

std::string Hashes(const std::vector<Hash>& hashes) {
  std::string out;
  for (const Hash& h : hashes) out += Bytes(h);
  return out;
}

// An event that uses every part of the schema and validates.
v1::LineageEvent FullEvent() {
  v1::LineageEvent e = testing::MakeRunEvent("acme.ml/fraud", "full");
  e.set_schema_url("https://openlineage.io/spec/2-0-2/OpenLineage.json");
  v1::Run* run = e.mutable_run();
  run->set_kind(v1::RUN_KIND_TRAINING);
  run->mutable_start_time()->set_seconds(1763590000);
  run->mutable_end_time()->set_seconds(1763600000);
  run->mutable_end_time()->set_nanos(500000000);
  run->mutable_parent()->set_run_id("run-parent");
  run->mutable_parent()->set_job_namespace("acme.ml/pipelines");
  run->mutable_parent()->set_job_name("nightly");
  (*run->mutable_attributes())["gpu"] = "a100";
  (*run->mutable_facets())["spark"] = "{\"version\":\"3.5\"}";
  v1::Job* job = e.mutable_job();
  job->set_namespace_("acme.ml/jobs");
  job->set_code_digest(testing::DigestOf("code"));
  job->set_image_digest("sha512:" + std::string(128, 'a'));
  v1::ModelVersion* model = e.add_outputs()->mutable_model();
  model->set_name("fraud-model");
  model->set_version("7");
  model->set_artifact_digest("blake3:" + std::string(64, 'b'));
  v1::Deployment* d = e.add_deployments();
  d->set_name("fraud-api");
  d->set_environment("prod");
  d->set_region("eu-west-1");
  d->set_endpoint("https://fraud.example.com");
  *d->mutable_model() = *model;
  v1::DatasetVersion* ds = e.add_datasets();
  ds->set_namespace_("acme.ml/lake");
  ds->set_name("features");
  ds->set_version("v3");
  ds->set_classification(v1::CLASSIFICATION_CONFIDENTIAL);
  ds->set_location("s3://lake/features/v3");
  ds->add_subject_tokens("hmac:abcdefgh0123");
  v1::ModelVersion* asserted = e.add_models();
  asserted->set_name("baseline");
  asserted->set_artifact_digest("sha3-256:" + std::string(64, 'c'));
  (*e.mutable_attributes())["ticket"] = "ML-42";
  return e;
}

void EventSeeds() {
  const std::string f = "event_fuzzer";
  Write(f, "run_event", Serialize(testing::MakeRunEvent("acme.ml/fraud", "seed")));
  Write(f, "full_event", Serialize(FullEvent()));
  v1::LineageEvent datasets;
  datasets.set_event_id("assert-1");
  datasets.set_namespace_("acme.ml/lake");
  *datasets.add_datasets() = FullEvent().datasets(0);
  Write(f, "datasets_only", Serialize(datasets));

  v1::LineageEvent bad = testing::MakeRunEvent("acme.ml/fraud", "bad");
  bad.mutable_inputs(0)->mutable_dataset()->set_digest("sha256:xyz");
  Write(f, "bad_digest", Serialize(bad));
  v1::LineageEvent control = testing::MakeRunEvent("acme.ml/fraud\n", "ctl");
  control.set_event_id("event\x01id");
  Write(f, "control_characters", Serialize(control));
  v1::LineageEvent big = testing::MakeRunEvent("acme.ml/fraud", "big");
  (*big.mutable_attributes())["blob"] = std::string(300, 'x');
  Write(f, "attribute", Serialize(big));

  // Invalid UTF-8 in namespace (field 3): 0xC3 0x28 is not a UTF-8 sequence.
  Write(f, "invalid_utf8_namespace",
        Serialize(testing::MakeRunEvent("acme.ml/", "u")) + std::string("\x1a\x02\xc3\x28", 4));
  // Deep nesting: unknown field 100 as 200 nested groups (start tag 0xa3 0x06,
  // end tag 0xa4 0x06), past protobuf's default recursion limit of 100.
  std::string groups;
  for (int i = 0; i < 200; ++i) groups += "\xa3\x06";
  for (int i = 0; i < 200; ++i) groups += "\xa4\x06";
  Write(f, "deep_unknown_groups", Serialize(testing::MakeRunEvent("acme.ml/x", "g")) + groups);
  // Length-delimited unknown fields nest only as opaque bytes.
  std::string nested = "end";
  for (int i = 0; i < 40; ++i) nested = absl::StrCat("\xa2\x06", Byte(nested.size()), nested);
  Write(f, "nested_unknown_bytes", nested);
  Write(f, "garbage", "\xff\xff\xff not a protobuf");
}

v1::SignedEvent SignWith(int key, const v1::LineageEvent& event) {
  return EventSigner(ProducerKey(key)).Sign(event);
}

void EnvelopeSeeds() {
  const std::string f = "envelope_fuzzer";
  const v1::LineageEvent event = testing::MakeRunEvent("acme.ml/fraud", "env");
  const v1::SignedEvent good = SignWith(0, event);
  Write(f, "valid", Byte(0) + Serialize(good));
  Write(f, "valid_no_principal", Byte(4) + Serialize(good));
  Write(f, "other_principals_key", Byte(0) + Serialize(SignWith(2, event)));
  Write(f, "revoked_key", Byte(0) + Serialize(SignWith(1, event)));
  Write(f, "other_namespace", Byte(0) + Serialize(SignWith(0, testing::MakeRunEvent("globex", "ns"))));
  Write(f, "principal_namespace", Byte(0) + Serialize(SignWith(0, testing::MakeRunEvent("shared", "p"))));
  v1::SignedEvent sig63 = good;
  sig63.mutable_signature()->resize(63);
  Write(f, "signature_63", Byte(0) + Serialize(sig63));
  v1::SignedEvent sig65 = good;
  sig65.mutable_signature()->push_back('\0');
  Write(f, "signature_65", Byte(0) + Serialize(sig65));
  v1::SignedEvent json = good;
  json.set_payload_type("application/json");
  Write(f, "wrong_payload_type", Byte(0) + Serialize(json));
  v1::SignedEvent unknown = good;
  unknown.set_key_id(std::string(32, 'a'));
  Write(f, "unknown_key", Byte(0) + Serialize(unknown));

  // Mode 1: the payload is signed by the fuzzer with key 0.
  Write(f, "sign_payload", "\x01" + Serialize(event));
  Write(f, "sign_full_event", "\x01" + Serialize(FullEvent()));
  Write(f, "sign_garbage", "\x01\xff\xff\xff not a protobuf");
  // Mode 2: the envelope's own type and payload re-signed.
  Write(f, "resign_json_type", "\x02" + Serialize(json));
  // The valid event's record, as DecodeEnvelopeRecord sees raw bytes.
  EnvelopeRecord record{EntryKind::kLineageEvent, *KeyId::FromHex(good.key_id()),
                        good.payload_type(), good.payload(), good.signature()};
  Write(f, "record", Byte(0) + *EncodeEnvelopeRecord(record));
}

// The 8-leaf tree of tests/testdata/merkle-vectors.json (RFC 6962 inputs).
std::vector<std::string> VectorLeaves() {
  std::vector<std::string> leaves;
  for (const char* hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                          "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(absl::HexStringToBytes(hex));
  }
  return leaves;
}

Hash LeafHashOf(const std::string& leaf) { return HashLeaf(leaf); }

void ProofSeeds() {
  const std::string f = "proof_fuzzer";
  const std::vector<std::string> leaves = VectorLeaves();
  const absl::Span<const std::string> all(leaves);
  const Hash zero{};
  if (HashToHex(ReferenceRoot(all)) !=
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328") {
    std::fprintf(stderr, "make_seeds: the 8-leaf root is not the vectors' root\n");
    std::exit(1);
  }
  for (uint64_t size : {1, 5, 8}) {
    for (uint64_t i = 0; i < size; i += (size == 8 ? 1 : 2)) {
      const auto prefix = all.subspan(0, size);
      Write(f, absl::StrCat("inclusion_", i, "_", size),
            Byte(0) + U64(i) + U64(size) + U64(0) + U64(0) + Bytes(LeafHashOf(leaves[i])) +
                Bytes(ReferenceRoot(prefix)) + Bytes(zero) + Hashes(ReferencePath(i, prefix)));
    }
  }
  for (uint64_t m : {1, 3, 4, 6, 7, 8}) {
    Write(f, absl::StrCat("consistency_", m, "_8"),
          Byte(0) + U64(0) + U64(0) + U64(m) + U64(8) + Bytes(zero) +
              Bytes(ReferenceRoot(all.subspan(0, m))) + Bytes(ReferenceRoot(all)) +
              Hashes(ReferenceProof(m, all)));
  }
  // An extra and a missing hash.
  const std::vector<Hash> path = ReferencePath(5, all);
  std::vector<Hash> extra = path;
  extra.push_back(path[0]);
  Write(f, "inclusion_extra_hash",
        Byte(0) + U64(5) + U64(8) + U64(0) + U64(0) + Bytes(LeafHashOf(leaves[5])) +
            Bytes(ReferenceRoot(all)) + Bytes(zero) + Hashes(extra));
  Write(f, "inclusion_missing_hash",
        Byte(0) + U64(5) + U64(8) + U64(0) + U64(0) + Bytes(LeafHashOf(leaves[5])) +
            Bytes(ReferenceRoot(all)) + Bytes(zero) +
            Hashes(std::vector<Hash>(path.begin(), path.end() - 1)));
  // Indices and sizes of 2^64-1.
  const uint64_t max = ~uint64_t{0};
  std::vector<Hash> many(64, Sha256("x"));
  Write(f, "max_index_and_size",
        Byte(0) + U64(max - 1) + U64(max) + U64(max) + U64(max) + Bytes(zero) +
            Bytes(zero) + Bytes(zero) + Hashes(many));
  Write(f, "max_size_consistency",
        Byte(0) + U64(max) + U64(max) + U64(1) + U64(max) + Bytes(zero) +
            Bytes(zero) + Bytes(zero) + Hashes(many));
  // Tree mode: n, salt, m, index, size2, size1, mutation.
  Write(f, "tree_8", Byte(1) + U16(7) + Byte(0) + U16(7) + U16(5) + U16(7) + U16(5) + Byte(0) + Byte(0));
  Write(f, "tree_257_drop", Byte(1) + U16(256) + "\x07" + U16(200) + U16(99) + U16(256) + U16(130) +
                                "\x03\x05");
  Write(f, "tree_100_insert", Byte(1) + U16(99) + "\x02" + U16(99) + U16(63) + U16(99) + U16(63) +
                                  "\x05\x01\x02" + std::string(32, 'h'));
}

void CheckpointSeeds() {
  const std::string f = "checkpoint_fuzzer";
  const std::string body = "example.com/lineage-test-log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
  const std::string note = SignNote(body, kLogName, LogKey());
  if (!OpenCheckpoint(note, LogVerifierKey()).ok() ||
      note.find("fkESgWTa9QLnmrlQx1HA65hj0Vr5IPGjSfl9kK14JezyjiA90ohhPn6xLChssqNdr/+G3V6/"
                "Nk2uUvI8hIkAgTD3eg4=") == std::string::npos) {
    std::fprintf(stderr, "make_seeds: the signed checkpoint is not docs/formats.md's\n");
    std::exit(1);
  }
  Write(f, "body", body);
  Write(f, "note", note);
  Write(f, "verifier_key", FormatVerifierKey(kLogName, LogKey().public_key()));
  Write(f, "body_with_extension", body + "extension line\n");
  // A cosigner's signature first: ignored, ours still verifies.
  const std::string other = SignNote(body, "witness.example", ProducerKey(2));
  Write(f, "cosigned_note", note + other.substr(body.size() + 1));
  Write(f, "max_size", "example.com/lineage-test-log\n18446744073709551615\n" +
                           absl::Base64Escape(std::string(32, '\0')) + "\n");
}

void RecordSeeds() {
  const std::string f = "record_fuzzer";
  Leaf leaf;
  leaf.integrated_time_micros = 1763600000000000;
  leaf.key_id = KeyId::Of(ProducerKey(0).public_key());
  leaf.commitment = Sha256("commitment");
  Write(f, "leaf", EncodeLeaf(leaf));
  const v1::SignedEvent good = SignWith(0, testing::MakeRunEvent("acme.ml/fraud", "rec"));
  EnvelopeRecord record{EntryKind::kLineageEvent, leaf.key_id, good.payload_type(),
                        good.payload(), good.signature()};
  Write(f, "event_record", *EncodeEnvelopeRecord(record));
  EnvelopeRecord key_change{EntryKind::kKeyRegistered, leaf.key_id,
                            std::string(kKeyChangePayloadType), "\x0a\x02id", ""};
  Write(f, "key_change_record", *EncodeEnvelopeRecord(key_change));
}

}  // namespace
}  // namespace lineage::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds <corpus dir>\n");
    return 2;
  }
  google::protobuf::SetLogHandler(nullptr);
  lineage::fuzz::g_root = argv[1];
  lineage::fuzz::EventSeeds();
  lineage::fuzz::EnvelopeSeeds();
  lineage::fuzz::ProofSeeds();
  lineage::fuzz::CheckpointSeeds();
  lineage::fuzz::RecordSeeds();
  return 0;
}
