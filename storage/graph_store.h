// GraphStore: typed access to the lineage graph's column families (layouts in
// graph_schema.h). Node records are opaque bytes here: the graph layer owns
// their format.
//
// Every read takes a KvReader: the Database for committed state, or the
// WriteBatch an append group is filling (to see its own pending writes).
// Writes go into a WriteBatch the caller commits with the log entries they
// derive from.
//
// Thread-safety: stateless apart from the Database reference; safe for
// concurrent use. The Database must outlive the store.
#ifndef LINEAGE_STORAGE_GRAPH_STORE_H_
#define LINEAGE_STORAGE_GRAPH_STORE_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/database.h"

namespace lineage {

// One stored edge as seen from one end.
struct StoredEdge {
  uint64_t other = 0;   // The node at the other end.
  uint8_t kind = 0;     // lineage.v1.EdgeKind value.
  uint64_t log_index = 0;
};

class GraphStore {
 public:
  explicit GraphStore(Database& db) : db_(db) {}

  Database& database() const { return db_; }

  // The next node ID to assign (1 for an empty graph: 0 is never a node).
  absl::StatusOr<uint64_t> ReadNextNodeId(const KvReader& r) const;
  void PutNextNodeId(WriteBatch& batch, uint64_t next) const;

  // How many edges the graph holds (for sizing the in-memory index).
  absl::StatusOr<uint64_t> ReadEdgeCount(const KvReader& r) const;
  void PutEdgeCount(WriteBatch& batch, uint64_t count) const;

  // The node ID of a natural key. NOT_FOUND if unknown.
  absl::StatusOr<uint64_t> FindNode(const KvReader& r, absl::string_view natural_key) const;
  // Written blind (WriteBatch::PutBlind): FindNode through the same batch
  // does not see it, so the writer keeps its own keys until the commit.
  void PutNodeKey(WriteBatch& batch, absl::string_view natural_key, uint64_t id) const;

  // The record bytes of node `id`. NOT_FOUND if unknown.
  absl::StatusOr<std::string> ReadNode(const KvReader& r, uint64_t id) const;
  // Written blind: ReadNode through the same batch does not see it, so the
  // writer keeps the records its group changed until the commit.
  void PutNode(WriteBatch& batch, uint64_t id, absl::string_view record) const;
  // Calls `visit(id, record)` for every node in ID order.
  absl::Status ScanNodes(const KvReader& r,
                         absl::FunctionRef<bool(uint64_t id, absl::string_view record)> visit) const;

  // The first log index asserting edge (from, kind, to). NOT_FOUND if none.
  absl::StatusOr<uint64_t> FindEdge(const KvReader& r, uint64_t from, uint8_t kind,
                                    uint64_t to) const;
  // Writes the edge in both directions, blind (WriteBatch::PutBlind: reads
  // and scans through the same batch do not see it, so the writer keeps
  // the edges of its group itself until the commit).
  void PutEdge(WriteBatch& batch, uint64_t from, uint8_t kind, uint64_t to,
               uint64_t log_index) const;
  // Edges leaving (`outgoing`) or entering `id`, ordered by kind then node.
  absl::Status ScanEdges(const KvReader& r, uint64_t id, bool outgoing,
                         absl::FunctionRef<bool(const StoredEdge& edge)> visit) const;
  // Every edge, as (from, edge) in from-ID order.
  absl::Status ScanAllEdges(const KvReader& r,
                            absl::FunctionRef<bool(uint64_t from, const StoredEdge& edge)> visit) const;

  // Version name index: nodes mentioned under (kind, ns, name, version).
  // NameEntry is the key PutName writes for node `id`: it identifies the
  // entry (for callers that remember which entries exist).
  static std::string NameEntry(uint8_t kind, absl::string_view ns, absl::string_view name,
                               absl::string_view version, uint64_t id);
  void PutName(WriteBatch& batch, uint8_t kind, absl::string_view ns, absl::string_view name,
               absl::string_view version, uint64_t id, uint64_t log_index) const;
  absl::Status ScanNames(const KvReader& r, uint8_t kind, absl::string_view ns,
                         absl::string_view name, absl::string_view version,
                         absl::FunctionRef<bool(uint64_t id, uint64_t log_index)> visit) const;

  // Subject token index.
  void PutSubject(WriteBatch& batch, absl::string_view token, uint64_t id,
                  uint64_t log_index) const;
  // The log index that first put `token` in dataset version `id`; NOT_FOUND
  // if never.
  absl::StatusOr<uint64_t> FindSubject(const KvReader& r, absl::string_view token,
                                       uint64_t id) const;
  absl::Status ScanSubject(const KvReader& r, absl::string_view token,
                           absl::FunctionRef<bool(uint64_t id, uint64_t log_index)> visit) const;

  // Search index: (kind, ns, name) -> IDs. `ns` empty in a scan means all
  // namespaces of the kind; `start_after` is a key from a previous page.
  // PutSearch writes blind (WriteBatch::PutBlind).
  void PutSearch(WriteBatch& batch, uint8_t kind, absl::string_view ns, absl::string_view name,
                 uint64_t id) const;
  absl::Status ScanSearch(const KvReader& r, uint8_t kind, absl::string_view ns,
                          absl::string_view name_prefix, absl::string_view start_after,
                          absl::FunctionRef<bool(absl::string_view key, uint64_t id)> visit) const;

 private:
  Database& db_;
};

}  // namespace lineage

#endif  // LINEAGE_STORAGE_GRAPH_STORE_H_
