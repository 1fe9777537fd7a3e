// RocksDB key layouts of the lineage graph, mirrored in docs/formats.md §8.
//
// Node IDs are dense integers assigned in log order (uint64 BE in keys).
// Strings inside keys never contain 0x00 (validation forbids control
// characters), so 0x00 separates fields and prefix scans stay exact.
//
//   column          key                                          value
//   graph_nodes     node ID                                      node record (lineage.storage.GraphNodeRecord)
//   graph_keys      natural key (below)                          node ID
//   graph_out       from ID ‖ edge kind (1) ‖ to ID              log index of first assertion
//   graph_in        to ID ‖ edge kind (1) ‖ from ID              log index of first assertion
//   graph_names     version kind (1) ‖ ns 0 name 0 version 0 ‖ ID   log index
//   graph_subjects  token ‖ 0 ‖ dataset version ID               log index
//   graph_search    kind (1) ‖ ns ‖ 0 ‖ name ‖ 0 ‖ ID            empty
//   meta            "graph_next_node_id"                         next node ID (from 1)
//   meta            "graph_edge_count"                           number of edges
//
// Natural keys: kind (1) then
//   dataset, job, model, deployment:  ns 0 name
//   run:                              job ns 0 run_id
//   dataset/model version by digest:  'd' digest
//   dataset/model version by name:    'n' ns 0 name 0 version
//
// Thread-safety: pure functions.
#ifndef LINEAGE_STORAGE_GRAPH_SCHEMA_H_
#define LINEAGE_STORAGE_GRAPH_SCHEMA_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "common/big_endian.h"

namespace lineage::graph_schema {

inline constexpr absl::string_view kNextNodeIdKey = "graph_next_node_id";
inline constexpr absl::string_view kEdgeCountKey = "graph_edge_count";
inline constexpr size_t kIdSize = 8;
inline constexpr size_t kEdgeKeySize = 8 + 1 + 8;

inline void AppendField(std::string& out, absl::string_view field) {
  out.append(field.data(), field.size());
}

inline std::string NodeIdKey(uint64_t id) { return BigEndian64(id); }

// from ‖ kind ‖ to (graph_out) or to ‖ kind ‖ from (graph_in).
inline std::string EdgeKey(uint64_t first, uint8_t kind, uint64_t second) {
  std::string key = BigEndian64(first);
  key.push_back(static_cast<char>(kind));
  AppendBigEndian<uint64_t>(key, second);
  return key;
}

inline std::string NamesPrefix(uint8_t kind, absl::string_view ns, absl::string_view name,
                               absl::string_view version) {
  std::string key(1, static_cast<char>(kind));
  AppendField(key, ns);
  key.push_back('\0');
  AppendField(key, name);
  key.push_back('\0');
  AppendField(key, version);
  key.push_back('\0');
  return key;
}

inline std::string SubjectPrefix(absl::string_view token) {
  std::string key(token.data(), token.size());
  key.push_back('\0');
  return key;
}

inline std::string SearchPrefix(uint8_t kind, absl::string_view ns) {
  std::string key(1, static_cast<char>(kind));
  AppendField(key, ns);
  key.push_back('\0');
  return key;
}

inline std::string SearchKey(uint8_t kind, absl::string_view ns, absl::string_view name,
                             uint64_t id) {
  std::string key = SearchPrefix(kind, ns);
  AppendField(key, name);
  key.push_back('\0');
  AppendBigEndian<uint64_t>(key, id);
  return key;
}

// The ID in the last 8 bytes of a key.
inline uint64_t TrailingId(absl::string_view key) {
  return ReadBigEndian<uint64_t>(key.data() + key.size() - kIdSize);
}

}  // namespace lineage::graph_schema

#endif  // LINEAGE_STORAGE_GRAPH_SCHEMA_H_
