// C2SP tlog-checkpoints (crypto/checkpoint.h): the Go sumdb tree note, the
// derived signed checkpoint of the 8-leaf tree, and malformed bodies.
#include "crypto/checkpoint.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "crypto/merkle_hash.h"
#include "crypto/signed_note.h"
#include "gtest/gtest.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromSeed(
        MustHexToBytes(Vectors().signing_vectors().derived_checkpoint_example().ed25519_seed()));
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = std::make_unique<Ed25519PrivateKey>(*std::move(key));
  }

  const testing::DerivedCheckpointExample& example() const {
    return Vectors().signing_vectors().derived_checkpoint_example();
  }

  Checkpoint ExampleCheckpoint() const {
    Checkpoint c;
    c.origin = example().origin();
    c.size = example().tree_size();
    c.root = VectorRoot(example().tree_size());
    return c;
  }

  NoteVerifier Verifier() const { return NoteVerifier(example().origin(), key_->public_key()); }

  std::unique_ptr<Ed25519PrivateKey> key_;
};

TEST_F(CheckpointTest, FormatsGoSumdbTreeNoteText) {
  const auto& v = Vectors().signing_vectors().go_sumdb_tree_note_text();
  Checkpoint c;
  c.origin = "go.sum database tree";
  c.size = v.tree_size();
  c.root = HashLeaf(v.record());
  EXPECT_EQ(FormatCheckpoint(c), v.text());
}

TEST_F(CheckpointTest, ParsesGoSumdbTreeNoteTextBackExactly) {
  const auto& v = Vectors().signing_vectors().go_sumdb_tree_note_text();
  absl::StatusOr<Checkpoint> c = ParseCheckpoint(v.text());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->origin, "go.sum database tree");
  EXPECT_EQ(c->size, 123456789012u);
  EXPECT_EQ(c->size, v.tree_size());
  EXPECT_EQ(HashToHex(c->root), HashToHex(HashLeaf(v.record())));
  EXPECT_TRUE(c->extensions.empty());
  EXPECT_EQ(FormatCheckpoint(*c), v.text());
}

TEST_F(CheckpointTest, SignedExampleIsReproducedByteForByte) {
  EXPECT_EQ(FormatCheckpoint(ExampleCheckpoint()), example().text());
  EXPECT_EQ(SignNote(example().text(), example().origin(), *key_), example().signed_checkpoint());
  EXPECT_EQ(FormatVerifierKey(example().origin(), key_->public_key()), example().vkey());
}

// The example's verifier key has a '+' inside its base64 key; C2SP splits a
// verifier key only at the first two '+'.
TEST_F(CheckpointTest, ExampleVerifierKeyParses) {
  absl::StatusOr<NoteVerifier> verifier = NoteVerifier::Parse(example().vkey());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_EQ(verifier->name(), example().origin());
  EXPECT_EQ(verifier->key_id(), 0x7e411281u);
  EXPECT_EQ(verifier->public_key().raw(), key_->public_key().raw());
}

TEST_F(CheckpointTest, OpenCheckpointParsesSignedExample) {
  absl::StatusOr<Checkpoint> c = OpenCheckpoint(example().signed_checkpoint(), Verifier());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->origin, example().origin());
  EXPECT_EQ(c->size, 8u);
  EXPECT_EQ(HashToHex(c->root), HashToHex(VectorRoot(8)));
  EXPECT_TRUE(c->extensions.empty());
}

TEST_F(CheckpointTest, OpenCheckpointRejectsTampering) {
  const std::string& signed_checkpoint = example().signed_checkpoint();
  const NoteVerifier verifier = Verifier();

  const std::string bigger = absl::StrReplaceAll(signed_checkpoint, {{"\n8\n", "\n9\n"}});
  ASSERT_NE(bigger, signed_checkpoint);
  EXPECT_EQ(OpenCheckpoint(bigger, verifier).status().code(), absl::StatusCode::kUnauthenticated);

  const std::string root_line = absl::Base64Escape(HashBytes(VectorRoot(8)));
  const std::string swapped_root = absl::StrReplaceAll(
      signed_checkpoint, {{root_line, absl::Base64Escape(HashBytes(VectorRoot(7)))}});
  ASSERT_NE(swapped_root, signed_checkpoint);
  EXPECT_EQ(OpenCheckpoint(swapped_root, verifier).status().code(),
            absl::StatusCode::kUnauthenticated);

  // One bit of the signature flipped, re-encoded.
  const size_t sig_start = signed_checkpoint.rfind(' ') + 1;
  std::string blob;
  ASSERT_TRUE(absl::Base64Unescape(absl::string_view(signed_checkpoint)
                                       .substr(sig_start, signed_checkpoint.size() - sig_start - 1),
                                   &blob));
  blob[40] ^= 0x80;
  const std::string flipped =
      absl::StrCat(signed_checkpoint.substr(0, sig_start), absl::Base64Escape(blob), "\n");
  EXPECT_EQ(OpenCheckpoint(flipped, verifier).status().code(), absl::StatusCode::kUnauthenticated);

  // Signed only by a key we do not know (RFC 8032 TEST 2), under our name.
  absl::StatusOr<Ed25519PrivateKey> stranger = Ed25519PrivateKey::FromSeed(
      MustHexToBytes(Vectors().signing_vectors().rfc8032_ed25519().vectors(1).secret_seed()));
  ASSERT_TRUE(stranger.ok()) << stranger.status();
  EXPECT_EQ(OpenCheckpoint(SignNote(example().text(), example().origin(), *stranger), verifier)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(CheckpointTest, OpenCheckpointRejectsOriginOtherThanKeyName) {
  Checkpoint c = ExampleCheckpoint();
  c.origin = "example.com/another-log";
  const std::string note = SignNote(FormatCheckpoint(c), example().origin(), *key_);
  EXPECT_EQ(OpenCheckpoint(note, Verifier()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CheckpointTest, ExtensionLinesRoundTrip) {
  Checkpoint c = ExampleCheckpoint();
  c.extensions = {"— witness line", "ext two"};
  const std::string text = FormatCheckpoint(c);
  EXPECT_EQ(text, absl::StrCat(example().text(), "— witness line\next two\n"));
  absl::StatusOr<Checkpoint> back = ParseCheckpoint(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->extensions, c.extensions);
  EXPECT_EQ(back->size, c.size);
  EXPECT_EQ(back->root, c.root);
}

// Only the canonical text of a checkpoint parses: the signed bytes and the
// parsed value say the same thing.
TEST_F(CheckpointTest, AcceptedTextsFormatBackToThemselves) {
  const std::string root = absl::Base64Escape(HashBytes(VectorRoot(5)));
  for (const std::string& text :
       {example().text(), Vectors().signing_vectors().go_sumdb_tree_note_text().text(),
        absl::StrCat("a b\n0\n", root, "\n"), absl::StrCat("o\n7\n", root, "\nx\ny\n")}) {
    absl::StatusOr<Checkpoint> c = ParseCheckpoint(text);
    ASSERT_TRUE(c.ok()) << c.status() << "\n" << text;
    EXPECT_EQ(FormatCheckpoint(*c), text);
  }
}

TEST_F(CheckpointTest, ParsesExtremeSizes) {
  const std::string root = absl::Base64Escape(HashBytes(VectorRoot(8)));
  absl::StatusOr<Checkpoint> zero = ParseCheckpoint(absl::StrCat("o\n0\n", root, "\n"));
  ASSERT_TRUE(zero.ok()) << zero.status();
  EXPECT_EQ(zero->size, 0u);
  absl::StatusOr<Checkpoint> max =
      ParseCheckpoint(absl::StrCat("o\n18446744073709551615\n", root, "\n"));
  ASSERT_TRUE(max.ok()) << max.status();
  EXPECT_EQ(max->size, ~uint64_t{0});
}

TEST_F(CheckpointTest, ParseRejectsMalformedBodies) {
  const std::string root = absl::Base64Escape(HashBytes(VectorRoot(8)));
  const std::string short_root = absl::Base64Escape(HashBytes(VectorRoot(8)).substr(0, 31));
  // The last base64 digit of a 32-byte value carries 2 unused bits; set one.
  std::string non_canonical_root = root;
  ASSERT_EQ(non_canonical_root[42], 'g') << "root 8 of the vectors ends in \"g=\"";
  non_canonical_root[42] = 'h';
  const struct {
    std::string text;
    std::string why;
  } bad[] = {
      {absl::StrCat("o\n08\n", root, "\n"), "leading zero in size"},
      {absl::StrCat("o\n00\n", root, "\n"), "leading zero in zero"},
      {absl::StrCat("o\n18446744073709551616\n", root, "\n"), "size 2^64"},
      {absl::StrCat("o\n99999999999999999999\n", root, "\n"), "size > 2^64 - 1"},
      {absl::StrCat("o\n-1\n", root, "\n"), "negative size"},
      {absl::StrCat("o\n+8\n", root, "\n"), "signed size"},
      {absl::StrCat("o\n 8\n", root, "\n"), "space in size"},
      {absl::StrCat("o\n\n", root, "\n"), "empty size"},
      {absl::StrCat("o\n0x8\n", root, "\n"), "hex size"},
      {absl::StrCat("o\n8\n", root), "no trailing newline"},
      {absl::StrCat("o\n8\n", short_root, "\n"), "31-byte root"},
      {absl::StrCat("o\n8\n", root, root, "\n"), "64-byte root"},
      {"o\n8\nnot*base64!\n", "non-base64 root"},
      {absl::StrCat("o\n8\n", root.substr(0, root.size() - 1), "\n"), "root without padding"},
      {absl::StrCat("o\n8\n", root.substr(0, 4), " ", root.substr(4), "\n"), "space in root"},
      {absl::StrCat("o\n8\n", root, "\r\n"), "CR after root"},
      {absl::StrCat("o\n8\n", non_canonical_root, "\n"), "root with nonzero padding bits"},
      {"o\n8\n\n", "empty root"},
      {"o\n8\n", "two lines"},
      {"o\n", "one line"},
      {"", "empty"},
      {absl::StrCat("\n8\n", root, "\n"), "empty origin"},
      {absl::StrCat("o\n8\n", root, "\n\n"), "empty extension line"},
      {absl::StrCat("o\n8\n", root, "\next\n\n"), "empty second extension line"},
  };
  for (const auto& b : bad) {
    EXPECT_EQ(ParseCheckpoint(b.text).status().code(), absl::StatusCode::kInvalidArgument) << b.why;
  }
}

}  // namespace
}  // namespace lineage
