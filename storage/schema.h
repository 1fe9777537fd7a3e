// RocksDB key and value layouts of the log, mirrored in docs/formats.md.
//
// Integers in keys are big-endian so that iteration order is numeric order.
//
//   column      key                                  value
//   meta        "format"                             "lineage-ledger/1"
//   meta        "tree_head"                          size u64 BE || root (32)
//   meta        "checkpoint"                         latest signed note text
//   leaves      index u64 BE                         58-byte v1 leaf
//   nodes       level u8 || index u64 BE             32-byte subtree hash
//   entries     index u64 BE                         salt (32) || envelope record
//   event_ids   namespace || 0x00 || event_id        index u64 BE || SHA-256(payload)
//   leaf_index  leaf hash (32)                       index u64 BE
//   keys        key ID (16)                          lineage.v1.ProducerKey bytes
//
// Thread-safety: pure functions.
#ifndef LINEAGE_STORAGE_SCHEMA_H_
#define LINEAGE_STORAGE_SCHEMA_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "common/big_endian.h"

namespace lineage::schema {

inline constexpr absl::string_view kFormatKey = "format";
inline constexpr absl::string_view kFormatValue = "lineage-ledger/1";
inline constexpr absl::string_view kTreeHeadKey = "tree_head";
inline constexpr absl::string_view kCheckpointKey = "checkpoint";

inline std::string IndexKey(uint64_t index) { return BigEndian64(index); }

inline std::string NodeKey(int level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  AppendBigEndian<uint64_t>(key, index);
  return key;
}

inline std::string EventIdKey(absl::string_view ns, absl::string_view event_id) {
  std::string key;
  key.reserve(ns.size() + 1 + event_id.size());
  key.append(ns.data(), ns.size());
  key.push_back('\0');
  key.append(event_id.data(), event_id.size());
  return key;
}

}  // namespace lineage::schema

#endif  // LINEAGE_STORAGE_SCHEMA_H_
