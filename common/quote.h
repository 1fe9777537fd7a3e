// Quoting untrusted text (event ids, names, key IDs, payload types) into
// status messages.
//
// Those messages reach producers in Receipt.error_message, a proto3 string
// field that must be well-formed UTF-8 (a client cannot parse a response
// that carries anything else), and people read them on terminals. So a
// quoted value is cut only between UTF-8 characters, and control
// characters, stray bytes, quotes and backslashes are escaped:
//
//   QuoteUntrusted("acme\n", 64)            == "\"acme\\n\""
//   QuoteUntrusted(<65 x "a">, 64)          == "\"aaa...a...\" (65 bytes)"
//
// Thread-safety: pure function.
#ifndef LINEAGE_COMMON_QUOTE_H_
#define LINEAGE_COMMON_QUOTE_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace lineage {

// `text` in double quotes, at most its first `max_bytes` bytes (never half
// a UTF-8 character), then `...` and the full size if it was cut. The
// result is always well-formed UTF-8 without control characters.
std::string QuoteUntrusted(absl::string_view text, size_t max_bytes);

}  // namespace lineage

#endif  // LINEAGE_COMMON_QUOTE_H_
