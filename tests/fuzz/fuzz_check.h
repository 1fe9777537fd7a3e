// Helpers shared by the libFuzzer targets in tests/fuzz/.
//
// FUZZ_CHECK aborts with the failed condition when an invariant does not
// hold, so libFuzzer records the input as a crash. ByteReader hands out a
// fuzz input front to back (fixed-width integers are big-endian), and
// reports zeros once the input runs out, so every prefix is a valid input.
//
// With LINEAGE_FUZZ_VERBOSE set, Report() prints what each step returned,
// so a corpus file shows its outcome: LINEAGE_FUZZ_VERBOSE=1 \
//   build-fuzz/tests/fuzz/envelope_fuzzer tests/fuzz/corpus/envelope_fuzzer/signature_65
//
// Thread-safety: none needed; libFuzzer runs one input at a time.
#ifndef LINEAGE_TESTS_FUZZ_FUZZ_CHECK_H_
#define LINEAGE_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                        \
      std::abort();                                                               \
    }                                                                             \
  } while (false)

// Aborts unless `status` is OK or has one of the codes in `allowed`.
#define FUZZ_CHECK_CODE(status, ...)                                                   \
  do {                                                                                 \
    const ::absl::Status& fuzz_status_ = (status);                                     \
    if (!fuzz_status_.ok() &&                                                          \
        !::lineage::fuzz::CodeIn(fuzz_status_.code(), {__VA_ARGS__})) {                \
      std::fprintf(stderr, "%s:%d: unexpected status: %s\n", __FILE__, __LINE__,      \
                   fuzz_status_.ToString().c_str());                                   \
      std::abort();                                                                    \
    }                                                                                  \
  } while (false)

namespace lineage::fuzz {

inline bool CodeIn(absl::StatusCode code, std::initializer_list<absl::StatusCode> allowed) {
  for (absl::StatusCode c : allowed) {
    if (c == code) return true;
  }
  return false;
}

inline bool Verbose() {
  static const bool verbose = std::getenv("LINEAGE_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

// Prints "<what>: <status>" when verbose.
inline void Report(absl::string_view what, const absl::Status& status) {
  if (!Verbose()) return;
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.ToString().substr(0, 300).c_str());
}

// True if `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), what protobuf demands of a proto3
// string field. Error messages end up in such fields (Receipt.error_message).
inline bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // Truncated sequence.
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

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint8_t U8() { return at_ < size_ ? data_[at_++] : 0; }
  uint16_t U16() { return static_cast<uint16_t>((U8() << 8) | U8()); }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | U8();
    return v;
  }
  // Up to `n` bytes (fewer at the end of the input).
  std::string Bytes(size_t n) {
    const size_t take = n < remaining() ? n : remaining();
    std::string out(reinterpret_cast<const char*>(data_ + at_), take);
    at_ += take;
    return out;
  }
  // Everything not read yet.
  std::string Rest() { return Bytes(remaining()); }
  size_t remaining() const { return size_ - at_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

}  // namespace lineage::fuzz

#endif  // LINEAGE_TESTS_FUZZ_FUZZ_CHECK_H_
