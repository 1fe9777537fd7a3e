#include "common/quote.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace lineage {
namespace {

// The length of the well-formed UTF-8 sequence (RFC 3629) starting at
// text[at], a byte >= 0x80; 0 if there is none.
size_t Utf8SequenceLength(absl::string_view text, size_t at) {
  const unsigned char lead = static_cast<unsigned char>(text[at]);
  size_t extra;
  uint32_t cp;
  if ((lead & 0xe0) == 0xc0) {
    extra = 1;
    cp = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    extra = 2;
    cp = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (at + extra >= text.size()) return 0;
  for (size_t k = 1; k <= extra; ++k) {
    const unsigned char c = static_cast<unsigned char>(text[at + k]);
    if ((c & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return extra + 1;
}

}  // namespace

std::string QuoteUntrusted(absl::string_view text, size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  size_t at = 0;
  while (at < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[at]);
    const size_t n = c >= 0x80 ? Utf8SequenceLength(text, at) : 0;
    if (at + (n == 0 ? 1 : n) > max_bytes) break;
    if (n > 0) {
      out.append(text.data() + at, n);
      at += n;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++at;
  }
  if (at < text.size()) {
    absl::StrAppend(&out, "...\" (", text.size(), " bytes)");
  } else {
    out += "\"";
  }
  return out;
}

}  // namespace lineage
