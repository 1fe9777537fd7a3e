#include "storage/graph_store.h"

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"
#include "common/status_macros.h"
#include "storage/graph_schema.h"

namespace lineage {
namespace {

using graph_schema::kIdSize;

absl::StatusOr<uint64_t> DecodeU64(const absl::StatusOr<std::string>& value,
                                   absl::string_view what) {
  if (!value.ok()) return value.status();
  if (value->size() != 8) {
    return absl::DataLossError(absl::StrCat(what, ": got ", value->size(), " bytes, want 8"));
  }
  return ReadBigEndian<uint64_t>(value->data());
}

}  // namespace

absl::StatusOr<uint64_t> GraphStore::ReadNextNodeId(const KvReader& r) const {
  absl::StatusOr<std::string> value = r.Get(Column::kMeta, graph_schema::kNextNodeIdKey);
  if (absl::IsNotFound(value.status())) return 1;  // ID 0 is never used: it means "none".
  return DecodeU64(value, "meta/graph_next_node_id");
}

void GraphStore::PutNextNodeId(WriteBatch& batch, uint64_t next) const {
  batch.Put(Column::kMeta, graph_schema::kNextNodeIdKey, BigEndian64(next));
}

absl::StatusOr<uint64_t> GraphStore::ReadEdgeCount(const KvReader& r) const {
  absl::StatusOr<std::string> value = r.Get(Column::kMeta, graph_schema::kEdgeCountKey);
  if (absl::IsNotFound(value.status())) return 0;
  return DecodeU64(value, "meta/graph_edge_count");
}

void GraphStore::PutEdgeCount(WriteBatch& batch, uint64_t count) const {
  batch.Put(Column::kMeta, graph_schema::kEdgeCountKey, BigEndian64(count));
}

absl::StatusOr<uint64_t> GraphStore::FindNode(const KvReader& r,
                                              absl::string_view natural_key) const {
  return DecodeU64(r.Get(Column::kGraphKeys, natural_key), "graph_keys value");
}

void GraphStore::PutNodeKey(WriteBatch& batch, absl::string_view natural_key, uint64_t id) const {
  batch.PutBlind(Column::kGraphKeys, natural_key, BigEndian64(id));
}

absl::StatusOr<std::string> GraphStore::ReadNode(const KvReader& r, uint64_t id) const {
  return r.Get(Column::kGraphNodes, graph_schema::NodeIdKey(id));
}

void GraphStore::PutNode(WriteBatch& batch, uint64_t id, absl::string_view record) const {
  batch.PutBlind(Column::kGraphNodes, graph_schema::NodeIdKey(id), record);
}

absl::Status GraphStore::ScanNodes(
    const KvReader& r, absl::FunctionRef<bool(uint64_t id, absl::string_view record)> visit) const {
  absl::Status bad = absl::OkStatus();
  RETURN_IF_ERROR(r.Scan(Column::kGraphNodes, "", "", [&](absl::string_view k, absl::string_view v) {
    if (k.size() != kIdSize) {
      bad = absl::DataLossError("graph_nodes key is not 8 bytes");
      return false;
    }
    return visit(ReadBigEndian<uint64_t>(k.data()), v);
  }));
  return bad;
}

absl::StatusOr<uint64_t> GraphStore::FindEdge(const KvReader& r, uint64_t from, uint8_t kind,
                                              uint64_t to) const {
  return DecodeU64(r.Get(Column::kGraphOut, graph_schema::EdgeKey(from, kind, to)),
                   "graph_out value");
}

void GraphStore::PutEdge(WriteBatch& batch, uint64_t from, uint8_t kind, uint64_t to,
                         uint64_t log_index) const {
  const std::string index = BigEndian64(log_index);
  batch.PutBlind(Column::kGraphOut, graph_schema::EdgeKey(from, kind, to), index);
  batch.PutBlind(Column::kGraphIn, graph_schema::EdgeKey(to, kind, from), index);
}

absl::Status GraphStore::ScanEdges(const KvReader& r, uint64_t id, bool outgoing,
                                   absl::FunctionRef<bool(const StoredEdge& edge)> visit) const {
  absl::Status bad = absl::OkStatus();
  RETURN_IF_ERROR(r.Scan(outgoing ? Column::kGraphOut : Column::kGraphIn,
                         graph_schema::NodeIdKey(id), "",
                         [&](absl::string_view k, absl::string_view v) {
                           if (k.size() != graph_schema::kEdgeKeySize || v.size() != 8) {
                             bad = absl::DataLossError("malformed graph edge record");
                             return false;
                           }
                           StoredEdge edge{ReadBigEndian<uint64_t>(k.data() + 9),
                                           static_cast<uint8_t>(k[8]),
                                           ReadBigEndian<uint64_t>(v.data())};
                           return visit(edge);
                         }));
  return bad;
}

absl::Status GraphStore::ScanAllEdges(
    const KvReader& r,
    absl::FunctionRef<bool(uint64_t from, const StoredEdge& edge)> visit) const {
  absl::Status bad = absl::OkStatus();
  RETURN_IF_ERROR(r.Scan(Column::kGraphOut, "", "", [&](absl::string_view k, absl::string_view v) {
    if (k.size() != graph_schema::kEdgeKeySize || v.size() != 8) {
      bad = absl::DataLossError("malformed graph edge record");
      return false;
    }
    StoredEdge edge{ReadBigEndian<uint64_t>(k.data() + 9), static_cast<uint8_t>(k[8]),
                    ReadBigEndian<uint64_t>(v.data())};
    return visit(ReadBigEndian<uint64_t>(k.data()), edge);
  }));
  return bad;
}

std::string GraphStore::NameEntry(uint8_t kind, absl::string_view ns, absl::string_view name,
                                  absl::string_view version, uint64_t id) {
  std::string key = graph_schema::NamesPrefix(kind, ns, name, version);
  AppendBigEndian<uint64_t>(key, id);
  return key;
}

void GraphStore::PutName(WriteBatch& batch, uint8_t kind, absl::string_view ns,
                         absl::string_view name, absl::string_view version, uint64_t id,
                         uint64_t log_index) const {
  batch.PutBlind(Column::kGraphNames, NameEntry(kind, ns, name, version, id), BigEndian64(log_index));
}

absl::Status GraphStore::ScanNames(
    const KvReader& r, uint8_t kind, absl::string_view ns, absl::string_view name,
    absl::string_view version,
    absl::FunctionRef<bool(uint64_t id, uint64_t log_index)> visit) const {
  const std::string prefix = graph_schema::NamesPrefix(kind, ns, name, version);
  return r.Scan(Column::kGraphNames, prefix, "", [&](absl::string_view k, absl::string_view v) {
    if (k.size() != prefix.size() + kIdSize || v.size() != 8) return true;  // Longer names.
    return visit(graph_schema::TrailingId(k), ReadBigEndian<uint64_t>(v.data()));
  });
}

void GraphStore::PutSubject(WriteBatch& batch, absl::string_view token, uint64_t id,
                            uint64_t log_index) const {
  std::string key = graph_schema::SubjectPrefix(token);
  AppendBigEndian<uint64_t>(key, id);
  batch.PutBlind(Column::kGraphSubjects, key, BigEndian64(log_index));
}

absl::StatusOr<uint64_t> GraphStore::FindSubject(const KvReader& r, absl::string_view token,
                                                 uint64_t id) const {
  std::string key = graph_schema::SubjectPrefix(token);
  AppendBigEndian<uint64_t>(key, id);
  return DecodeU64(r.Get(Column::kGraphSubjects, key), "graph_subjects value");
}

absl::Status GraphStore::ScanSubject(
    const KvReader& r, absl::string_view token,
    absl::FunctionRef<bool(uint64_t id, uint64_t log_index)> visit) const {
  const std::string prefix = graph_schema::SubjectPrefix(token);
  return r.Scan(Column::kGraphSubjects, prefix, "", [&](absl::string_view k, absl::string_view v) {
    if (k.size() != prefix.size() + kIdSize || v.size() != 8) return true;
    return visit(graph_schema::TrailingId(k), ReadBigEndian<uint64_t>(v.data()));
  });
}

void GraphStore::PutSearch(WriteBatch& batch, uint8_t kind, absl::string_view ns,
                           absl::string_view name, uint64_t id) const {
  batch.PutBlind(Column::kGraphSearch, graph_schema::SearchKey(kind, ns, name, id), "");
}

absl::Status GraphStore::ScanSearch(
    const KvReader& r, uint8_t kind, absl::string_view ns, absl::string_view name_prefix,
    absl::string_view start_after,
    absl::FunctionRef<bool(absl::string_view key, uint64_t id)> visit) const {
  std::string prefix(1, static_cast<char>(kind));
  if (!ns.empty()) {
    prefix = graph_schema::SearchPrefix(kind, ns);
    graph_schema::AppendField(prefix, name_prefix);
  }
  std::string start;
  if (!start_after.empty()) {
    start = std::string(start_after);
    start.push_back('\0');  // Strictly after.
  }
  return r.Scan(Column::kGraphSearch, prefix, start, [&](absl::string_view k, absl::string_view) {
    if (k.size() < 1 + kIdSize) return true;
    if (ns.empty() && !name_prefix.empty()) {
      // Any namespace: check the name part (after the namespace's 0x00).
      const size_t zero = k.find('\0', 1);
      if (zero == absl::string_view::npos ||
          k.substr(zero + 1, name_prefix.size()) != name_prefix) {
        return true;
      }
    }
    return visit(k, graph_schema::TrailingId(k));
  });
}

}  // namespace lineage
