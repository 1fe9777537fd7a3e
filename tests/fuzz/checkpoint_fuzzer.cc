// checkpoint_fuzzer: checkpoint bodies, signed notes and verifier keys.
//
// Every input is tried as
//   - a checkpoint body: ParseCheckpoint is strict, so when it accepts,
//     FormatCheckpoint of the result must give back the input exactly;
//   - a verifier key: NoteVerifier::Parse; an accepted key must name the
//     same key as its canonical form;
//   - a signed note, opened with the pinned log key of fuzz_keys.h
//     (NoteVerifier::Open and OpenCheckpoint);
//   - note text: signed here with the log key, so Open must return exactly
//     the input, and OpenCheckpoint must accept it iff it is a checkpoint
//     body whose origin is the log's name.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "crypto/checkpoint.h"
#include "crypto/signed_note.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_keys.h"

namespace lineage::fuzz {
namespace {

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kUnauthenticated = absl::StatusCode::kUnauthenticated;

void AsBody(absl::string_view text) {
  absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(text);
  Report("ParseCheckpoint", parsed.status());
  FUZZ_CHECK_CODE(parsed.status(), kInvalid);
  if (parsed.ok()) FUZZ_CHECK(FormatCheckpoint(*parsed) == text);
}

void AsVerifierKey(absl::string_view text) {
  absl::StatusOr<NoteVerifier> verifier = NoteVerifier::Parse(text);
  Report("NoteVerifier::Parse", verifier.status());
  FUZZ_CHECK_CODE(verifier.status(), kInvalid);
  if (!verifier.ok()) return;
  FUZZ_CHECK(verifier->key_id() == NoteKeyId(verifier->name(), verifier->public_key()));
  absl::StatusOr<NoteVerifier> again =
      NoteVerifier::Parse(FormatVerifierKey(verifier->name(), verifier->public_key()));
  FUZZ_CHECK(again.ok() && again->name() == verifier->name() &&
             again->public_key().raw() == verifier->public_key().raw());
}

void AsNote(absl::string_view note) {
  const NoteVerifier& verifier = LogVerifierKey();
  absl::StatusOr<std::string> text = verifier.Open(note);
  FUZZ_CHECK_CODE(text.status(), kInvalid, kUnauthenticated);
  absl::StatusOr<Checkpoint> checkpoint = OpenCheckpoint(note, verifier);
  FUZZ_CHECK_CODE(checkpoint.status(), kInvalid, kUnauthenticated);
  Report("OpenCheckpoint", checkpoint.status());
  if (!text.ok()) {
    FUZZ_CHECK(!checkpoint.ok());
    return;
  }
  FUZZ_CHECK(absl::StartsWith(note, *text) && absl::EndsWith(*text, "\n"));
  FUZZ_CHECK(note.substr(text->size(), 1) == "\n");
  if (checkpoint.ok()) {
    FUZZ_CHECK(checkpoint->origin == verifier.name());
    FUZZ_CHECK(FormatCheckpoint(*checkpoint) == *text);
  }
}

void AsSignedText(absl::string_view text) {
  if (text.empty() || text.back() != '\n') return;
  const NoteVerifier& verifier = LogVerifierKey();
  const std::string note = SignNote(text, verifier.name(), LogKey());
  absl::StatusOr<std::string> opened = verifier.Open(note);
  FUZZ_CHECK(opened.ok() && *opened == text);
  absl::StatusOr<Checkpoint> body = ParseCheckpoint(text);
  absl::StatusOr<Checkpoint> checkpoint = OpenCheckpoint(note, verifier);
  FUZZ_CHECK(checkpoint.ok() == (body.ok() && body->origin == verifier.name()));
}

}  // namespace
}  // namespace lineage::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  lineage::fuzz::LogVerifierKey();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  lineage::fuzz::AsBody(text);
  lineage::fuzz::AsVerifierKey(text);
  lineage::fuzz::AsNote(text);
  lineage::fuzz::AsSignedText(text);
  return 0;
}
