#include "crypto/signed_note.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "crypto/hash.h"

namespace lineage {
namespace {

constexpr absl::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 em dash, space.
constexpr size_t kMaxNoteSize = 1 << 20;
// As Go's sumdb/note: bounds the signature checks one note can cost.
constexpr int kMaxSignatureLines = 100;

std::string AlgorithmAndKey(const Ed25519PublicKey& key) {
  return absl::StrCat(absl::string_view("\x01", 1), key.raw());
}

bool ValidKeyName(absl::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= 0x20 || c == '+' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

uint32_t NoteKeyId(absl::string_view name, const Ed25519PublicKey& key) {
  Hash h = Sha256Concat({name, "\n", AlgorithmAndKey(key)});
  return (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | h[3];
}

std::string FormatVerifierKey(absl::string_view name, const Ed25519PublicKey& key) {
  return absl::StrFormat("%s+%08x+%s", name, NoteKeyId(name, key),
                         absl::Base64Escape(AlgorithmAndKey(key)));
}

std::string SignNote(absl::string_view text, absl::string_view name,
                     const Ed25519PrivateKey& key) {
  const uint32_t id = NoteKeyId(name, key.public_key());
  std::string blob;
  blob.push_back(static_cast<char>(id >> 24));
  blob.push_back(static_cast<char>(id >> 16));
  blob.push_back(static_cast<char>(id >> 8));
  blob.push_back(static_cast<char>(id));
  blob += key.Sign(text);
  return absl::StrCat(text, "\n", kSignaturePrefix, name, " ", absl::Base64Escape(blob), "\n");
}

absl::StatusOr<NoteVerifier> NoteVerifier::Parse(absl::string_view vkey) {
  std::vector<absl::string_view> parts = absl::StrSplit(vkey, absl::MaxSplits('+', 2));
  if (parts.size() != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "verifier key: got ", parts.size(), " '+'-separated fields, want 3 (name+keyid+key)"));
  }
  if (!ValidKeyName(parts[0])) {
    return absl::InvalidArgumentError("verifier key: empty or invalid key name");
  }
  uint32_t id = 0;
  if (parts[1].size() != 8 || !absl::SimpleHexAtoi(parts[1], &id)) {
    return absl::InvalidArgumentError("verifier key: key ID must be 8 hex digits");
  }
  std::string decoded;
  if (!absl::Base64Unescape(parts[2], &decoded) || decoded.size() != 1 + kEd25519PublicKeySize ||
      decoded[0] != static_cast<char>(kNoteAlgorithmEd25519)) {
    return absl::InvalidArgumentError(
        "verifier key: want base64 of 0x01 followed by a 32-byte Ed25519 key");
  }
  absl::StatusOr<Ed25519PublicKey> key = Ed25519PublicKey::FromRaw(decoded.substr(1));
  if (!key.ok()) return key.status();
  NoteVerifier verifier(std::string(parts[0]), *std::move(key));
  if (verifier.key_id() != id) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "verifier key: key ID %08x does not match name and key (want %08x)", id,
        verifier.key_id()));
  }
  return verifier;
}

NoteVerifier::NoteVerifier(std::string name, Ed25519PublicKey key)
    : name_(std::move(name)), key_(std::move(key)), key_id_(NoteKeyId(name_, key_)) {}

absl::StatusOr<std::string> NoteVerifier::Open(absl::string_view note) const {
  if (note.size() > kMaxNoteSize) return absl::InvalidArgumentError("note larger than 1 MiB");
  const size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos) {
    return absl::InvalidArgumentError("malformed note: no blank line before the signatures");
  }
  const absl::string_view text = note.substr(0, split + 1);
  absl::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') {
    return absl::InvalidArgumentError("malformed note: signature block must end in a newline");
  }
  sigs.remove_suffix(1);
  bool found = false;
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(sigs, '\n')) {
    if (++lines > kMaxSignatureLines) {
      return absl::InvalidArgumentError(absl::StrCat(
          "malformed note: more than ", kMaxSignatureLines, " signature lines"));
    }
    if (!absl::ConsumePrefix(&line, kSignaturePrefix)) {
      return absl::InvalidArgumentError("malformed note: signature line must start with an em dash");
    }
    const size_t space = line.find(' ');
    if (space == absl::string_view::npos) {
      return absl::InvalidArgumentError("malformed note: signature line has no key name");
    }
    const absl::string_view name = line.substr(0, space);
    std::string blob;
    if (!absl::Base64Unescape(line.substr(space + 1), &blob) || blob.size() < 5) {
      return absl::InvalidArgumentError("malformed note: signature is not base64 of key ID and signature");
    }
    const uint32_t id = (uint32_t{static_cast<uint8_t>(blob[0])} << 24) |
                        (uint32_t{static_cast<uint8_t>(blob[1])} << 16) |
                        (uint32_t{static_cast<uint8_t>(blob[2])} << 8) |
                        uint32_t{static_cast<uint8_t>(blob[3])};
    if (name != name_ || id != key_id_) continue;  // Someone else's signature.
    found = true;
    absl::Status verified = key_.Verify(text, absl::string_view(blob).substr(4));
    if (!verified.ok()) {
      return absl::UnauthenticatedError(
          absl::StrCat("note signature by ", name_, " does not verify"));
    }
  }
  if (!found) {
    return absl::UnauthenticatedError(absl::StrFormat(
        "note has no signature by %s (key ID %08x)", name_, key_id_));
  }
  return std::string(text);
}

}  // namespace lineage
