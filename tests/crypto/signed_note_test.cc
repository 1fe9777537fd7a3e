// C2SP signed notes (crypto/signed_note.h) against the C2SP example and the
// Go sumdb note test vectors.
#include "crypto/signed_note.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

constexpr absl::string_view kEmDash = "\xE2\x80\x94";

// Go's skey is "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>"; our API
// takes only the seed, so take it apart here.
Ed25519PrivateKey KeyFromGoSkey(absl::string_view skey, absl::string_view name) {
  const std::string prefix = absl::StrCat("PRIVATE+KEY+", name, "+");
  EXPECT_TRUE(absl::StartsWith(skey, prefix)) << skey;
  absl::string_view rest = skey.substr(prefix.size());
  const size_t plus = rest.find('+');
  EXPECT_EQ(plus, 8u) << "want an 8 hex digit key ID";
  std::string decoded;
  EXPECT_TRUE(absl::Base64Unescape(rest.substr(plus + 1), &decoded));
  EXPECT_EQ(decoded.size(), 33u);
  EXPECT_EQ(decoded[0], '\x01') << "algorithm byte, want Ed25519";
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromSeed(decoded.substr(1));
  EXPECT_TRUE(key.ok()) << key.status();
  return *std::move(key);
}

Ed25519PrivateKey Rfc8032Key(int i) {
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromSeed(
      MustHexToBytes(Vectors().signing_vectors().rfc8032_ed25519().vectors(i).secret_seed()));
  EXPECT_TRUE(key.ok()) << key.status();
  return *std::move(key);
}

TEST(SignedNoteTest, C2spExampleVerifiesWithItsVerifierKey) {
  const auto& v = Vectors().signing_vectors().signed_note_c2sp_example();
  absl::StatusOr<NoteVerifier> verifier = NoteVerifier::Parse(v.vkey());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_EQ(verifier->name(), "example.com/foo");
  EXPECT_EQ(verifier->key_id(), 0x530d903au);
  absl::StatusOr<std::string> text = verifier->Open(v.note());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, v.text());
  // Formatting the parsed key gives the same string back.
  EXPECT_EQ(FormatVerifierKey(verifier->name(), verifier->public_key()), v.vkey());
}

TEST(SignedNoteTest, GoSumdbNoteVerifiesWithItsVerifierKey) {
  const auto& v = Vectors().signing_vectors().signed_note_go_sumdb();
  absl::StatusOr<NoteVerifier> verifier = NoteVerifier::Parse(v.vkey());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_EQ(verifier->name(), "PeterNeumann");
  absl::StatusOr<std::string> text = verifier->Open(v.signed_note());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, v.text());
}

TEST(SignedNoteTest, SignNoteReproducesGoSumdbNoteByteForByte) {
  const auto& v = Vectors().signing_vectors().signed_note_go_sumdb();
  const Ed25519PrivateKey key = KeyFromGoSkey(v.skey(), "PeterNeumann");
  EXPECT_EQ(NoteKeyId("PeterNeumann", key.public_key()), 0xc74f20a3u);
  EXPECT_EQ(FormatVerifierKey("PeterNeumann", key.public_key()), v.vkey());
  EXPECT_EQ(SignNote(v.text(), "PeterNeumann", key), v.signed_note());
}

TEST(SignedNoteTest, SignatureLineHasC2spLayout) {
  const Ed25519PrivateKey key = Rfc8032Key(0);
  const std::string note = SignNote("hello\n", "log.example/a", key);
  const std::string prefix = absl::StrCat("hello\n\n", kEmDash, " log.example/a ");
  ASSERT_TRUE(absl::StartsWith(note, prefix)) << note;
  ASSERT_TRUE(absl::EndsWith(note, "\n"));
  std::string blob;
  ASSERT_TRUE(absl::Base64Unescape(
      absl::string_view(note).substr(prefix.size(), note.size() - prefix.size() - 1), &blob));
  ASSERT_EQ(blob.size(), 4u + kEd25519SignatureSize);
  // Key ID = SHA-256(name || "\n" || 0x01 || pubkey)[:4], big-endian.
  const Hash id = Sha256Concat({"log.example/a", "\n", "\x01", key.public_key().raw()});
  EXPECT_EQ(blob.substr(0, 4), std::string(reinterpret_cast<const char*>(id.data()), 4));
  EXPECT_EQ(blob.substr(4), key.Sign("hello\n"));
}

TEST(SignedNoteTest, OpenIgnoresSignaturesByOtherKeys) {
  const Ed25519PrivateKey ours = Rfc8032Key(0);
  const Ed25519PrivateKey theirs = Rfc8032Key(1);
  const std::string text = "a\nb\n";
  const std::string mine = SignNote(text, "log.example/a", ours);
  const std::string other = SignNote(text, "witness.example/w", theirs);
  // Both signature lines, the other one first.
  const std::string both =
      absl::StrCat(text, "\n", other.substr(text.size() + 1), mine.substr(text.size() + 1));
  NoteVerifier verifier("log.example/a", ours.public_key());
  absl::StatusOr<std::string> opened = verifier.Open(both);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, text);

  // Signed by the other key only: no signature of ours.
  EXPECT_EQ(verifier.Open(other).status().code(), absl::StatusCode::kUnauthenticated);
  // The other key under our name: its key ID differs, so it is not ours...
  const std::string same_name = SignNote(text, "log.example/a", theirs);
  EXPECT_EQ(verifier.Open(same_name).status().code(), absl::StatusCode::kUnauthenticated);
  // ...and it is ignored, not a failure, next to our own signature (a log
  // rotating its key signs with both).
  const std::string rotating =
      absl::StrCat(text, "\n", same_name.substr(text.size() + 1), mine.substr(text.size() + 1));
  absl::StatusOr<std::string> opened_rotating = verifier.Open(rotating);
  ASSERT_TRUE(opened_rotating.ok()) << opened_rotating.status();
  EXPECT_EQ(*opened_rotating, text);

  // Our key ID and signature under another name: a key is its name and ID.
  const std::string renamed = absl::StrReplaceAll(mine, {{" log.example/a ", " log.example/b "}});
  ASSERT_NE(renamed, mine);
  EXPECT_EQ(verifier.Open(renamed).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(SignedNoteTest, OpenRejectsTamperedNotes) {
  const auto& v = Vectors().signing_vectors().signed_note_c2sp_example();
  absl::StatusOr<NoteVerifier> verifier = NoteVerifier::Parse(v.vkey());
  ASSERT_TRUE(verifier.ok()) << verifier.status();

  std::string changed_text = v.note();
  changed_text[0] = 't';
  EXPECT_EQ(verifier->Open(changed_text).status().code(), absl::StatusCode::kUnauthenticated);

  // Flip one bit of the signature (after the 4-byte key ID) and re-encode.
  const size_t sig_start = v.note().rfind(' ') + 1;
  std::string blob;
  ASSERT_TRUE(absl::Base64Unescape(
      absl::string_view(v.note()).substr(sig_start, v.note().size() - sig_start - 1), &blob));
  blob[10] ^= 0x01;
  const std::string flipped =
      absl::StrCat(v.note().substr(0, sig_start), absl::Base64Escape(blob), "\n");
  EXPECT_EQ(verifier->Open(flipped).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(SignedNoteTest, OpenRejectsMalformedNotes) {
  const auto& v = Vectors().signing_vectors().signed_note_c2sp_example();
  absl::StatusOr<NoteVerifier> verifier = NoteVerifier::Parse(v.vkey());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  const std::string& note = v.note();

  EXPECT_EQ(verifier->Open(v.text()).status().code(), absl::StatusCode::kInvalidArgument)
      << "no signature block";
  EXPECT_EQ(verifier->Open(note.substr(0, note.size() - 1)).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "no final newline";
  std::string no_dash = note;
  no_dash.replace(no_dash.find(std::string(kEmDash)), kEmDash.size(), "-");
  EXPECT_EQ(verifier->Open(no_dash).status().code(), absl::StatusCode::kInvalidArgument);
  std::string bad_base64 = note;
  bad_base64.insert(bad_base64.size() - 5, "!");
  EXPECT_EQ(verifier->Open(bad_base64).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SignedNoteTest, ParseRejectsMalformedVerifierKeys) {
  const std::string good = Vectors().signing_vectors().signed_note_c2sp_example().vkey();
  ASSERT_TRUE(NoteVerifier::Parse(good).ok());
  const std::string name = "example.com/foo";
  const std::string id = "530d903a";
  const std::string key64 = good.substr(name.size() + 1 + id.size() + 1);
  std::string raw_key;
  ASSERT_TRUE(absl::Base64Unescape(key64, &raw_key));

  std::string other_algorithm = raw_key;
  other_algorithm[0] = '\x02';
  const struct {
    std::string vkey;
    std::string why;
  } bad[] = {
      {absl::StrCat(name, "+530d903b+", key64), "wrong key ID"},
      {absl::StrCat("example.com/bar+", id, "+", key64), "key ID of another name"},
      {absl::StrCat(name, "+", id, "+", "!!not base64!!"), "bad base64"},
      {absl::StrCat(name, "+", id, "+", absl::Base64Escape(other_algorithm)), "algorithm 0x02"},
      {absl::StrCat(name, "+", id, "+", absl::Base64Escape(raw_key.substr(0, 32))), "31-byte key"},
      {absl::StrCat(name, "+", id, "+", absl::Base64Escape(raw_key.substr(1))),
       "no algorithm byte"},
      {absl::StrCat(name, "+", id, "+"), "empty key"},
      {absl::StrCat(name, "+", id, "+", key64, "+", key64), "fourth field"},
      {absl::StrCat(name, "+", id), "no key field"},
      {name, "name only"},
      {"", "empty"},
      {absl::StrCat("+", id, "+", key64), "empty name"},
      {absl::StrCat(name, "+530d903+", key64), "7-digit key ID"},
      {absl::StrCat(name, "+530d903ag+", key64), "9-digit key ID"},
      {absl::StrCat(name, "+zz0d903a+", key64), "non-hex key ID"},
  };
  for (const auto& b : bad) {
    absl::StatusOr<NoteVerifier> v = NoteVerifier::Parse(b.vkey);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << b.why << ": " << b.vkey;
  }
}

TEST(SignedNoteTest, MoreThanAHundredSignatureLinesAreRefusedBeforeAnyCheck) {
  const Ed25519PrivateKey key = *Ed25519PrivateKey::Generate();
  const std::string note = SignNote("text\n", "log.example/x", key);
  const std::string line = note.substr(note.find("\n\n") + 2);
  const NoteVerifier verifier("log.example/x", key.public_key());
  std::string hundred = "text\n\n";
  for (int i = 0; i < 100; ++i) hundred += line;
  EXPECT_TRUE(verifier.Open(hundred).ok());
  absl::StatusOr<std::string> refused = verifier.Open(hundred + line);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "more than 100"));
}

}  // namespace
}  // namespace lineage
