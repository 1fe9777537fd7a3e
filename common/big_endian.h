// Big-endian integer encoding for byte formats and RocksDB keys (big-endian
// keys sort numerically under RocksDB's default bytewise comparator).
//
// Thread-safety: pure functions.
#ifndef LINEAGE_COMMON_BIG_ENDIAN_H_
#define LINEAGE_COMMON_BIG_ENDIAN_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace lineage {

template <typename T>
void AppendBigEndian(std::string& out, T value) {
  for (int shift = 8 * (sizeof(T) - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

// Reads sizeof(T) bytes at `in`. The caller guarantees they exist.
template <typename T>
T ReadBigEndian(const char* in) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value = static_cast<T>((value << 8) | static_cast<uint8_t>(in[i]));
  }
  return value;
}

inline std::string BigEndian64(uint64_t value) {
  std::string out;
  AppendBigEndian<uint64_t>(out, value);
  return out;
}

}  // namespace lineage

#endif  // LINEAGE_COMMON_BIG_ENDIAN_H_
