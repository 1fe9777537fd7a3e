// GraphIndexer: keeps the lineage graph in RocksDB in step with the log.
// The log writer calls it for every appended event, inside the group's
// WriteBatch, so graph updates commit atomically with the log entries that
// assert them. Its writes are blind (WriteBatch::PutBlind: no ordered index
// to keep) and it reads only the committed store, so it keeps what its own
// group wrote itself (node keys and records, names, subjects, edges: later
// events of the group see earlier ones through it). It assigns node IDs in
// log order and records every edge and property change with the log index
// that asserted it.
//
// After a commit it hands the group's GraphDelta to `on_commit` (the
// in-memory graph); after an abort it drops it. Callers that drive it by
// hand (IndexPlan) call FinishGroup before writing each batch and
// OnCommitted after.
//
// The indexer runs on the log writer's single thread, the one serial stage
// of ingestion, so it avoids RocksDB reads it can answer itself: node keys
// (immutable once assigned), the version-name entries and the edges between
// known nodes it knows exist (a re-mentioned version needs no name scan and
// no edge lookup), and parsed node records (hot ones: jobs,
// datasets, shared inputs) are cached, an edge touching a node created by
// the same event cannot exist yet, and the node and edge counters are
// written once per group. Records changed by the group being built are kept
// apart and dropped if it aborts, so the cache only ever holds committed
// records plus the group's own.
//
// Thread-safety: used by the log writer thread only.
#ifndef LINEAGE_SERVER_GRAPH_GRAPH_INDEXER_H_
#define LINEAGE_SERVER_GRAPH_GRAPH_INDEXER_H_

#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

#include "absl/status/statusor.h"
#include "lineage/storage/graph_record.pb.h"
#include "server/graph/event_plan.h"
#include "server/graph/graph_delta.h"
#include "server/ledger/log_writer.h"
#include "storage/graph_store.h"

namespace lineage {

class GraphIndexer : public EntryIndexer {
 public:
  // `store` must outlive the indexer. `on_commit` receives each committed
  // group's delta (may be empty function).
  GraphIndexer(const GraphStore& store, std::function<void(const GraphDelta&)> on_commit);

  absl::Status IndexEvent(const VerifiedEvent& event, uint64_t index, uint64_t time_micros,
                          WriteBatch& batch) override;
  void FinishGroup(WriteBatch& batch) override;
  void OnCommitted() override;
  void OnAborted() override;

  // Applies one event's plan at `index`. Public for replay checks.
  absl::Status IndexPlan(const EventPlan& plan, uint64_t index, uint64_t time_micros,
                         WriteBatch& batch);

 private:
  // The node ID for `mention`, creating the node if it is new.
  absl::StatusOr<uint64_t> Resolve(const NodeMention& mention, const EventPlan& plan,
                                   uint64_t index, uint64_t time_micros, WriteBatch& batch);
  absl::Status AddEdge(uint64_t from, v1::EdgeKind kind, uint64_t to, uint64_t index,
                       WriteBatch& batch);
  // Joins a version node to the name index and links it SAME_AS with the
  // nodes known under the same name by the other identity (name vs digest).
  absl::Status IndexVersionName(const NodeMention& mention, uint64_t id, bool by_digest,
                                uint64_t index, WriteBatch& batch);

  // The node ID of `natural_key`, from the caches or the committed store;
  // NOT_FOUND if there is no such node yet.
  absl::StatusOr<uint64_t> FindNode(const std::string& natural_key);

  // Node `id`'s record as the group sees it: the group's own change, else
  // the committed record (cached, or read and parsed). Valid until the
  // next call.
  absl::StatusOr<const storage::GraphNodeRecord*> FindRecord(uint64_t id);

  // Bounds the committed-key cache (about 100 bytes an entry); it is
  // emptied when full, which costs only re-reads.
  static constexpr size_t kMaxCachedKeys = 1 << 18;
  // Likewise for parsed records (a few hundred bytes each; clearing is a
  // burst of frees on the writer thread, so the bound is kept small).
  static constexpr size_t kMaxCachedRecords = 1 << 14;

  const GraphStore& store_;
  std::function<void(const GraphDelta&)> on_commit_;
  GraphDelta pending_;
  // Committed + pending counters; reloaded after an abort.
  std::optional<uint64_t> next_id_;
  uint64_t edge_count_ = 0;
  // Node keys -> IDs: committed ones, and the ones created by the group
  // being built (dropped if it aborts).
  absl::flat_hash_map<std::string, uint64_t> committed_keys_;
  absl::flat_hash_map<std::string, uint64_t> pending_keys_;
  // Node records: committed ones read back at least once, and the ones the
  // group being built created or changed (all of them: the batch is never
  // read for a record).
  absl::flat_hash_map<uint64_t, storage::GraphNodeRecord> committed_records_;
  absl::flat_hash_map<uint64_t, storage::GraphNodeRecord> pending_records_;
  // Version-name entries (GraphStore::NameEntry) known to exist: committed
  // ones, and the group's own (dropped if it aborts). Bounded like keys.
  absl::flat_hash_set<std::string> committed_names_;
  absl::flat_hash_set<std::string> pending_names_;
  // Edges between nodes that existed before their event, known to exist:
  // committed ones, and the group's own (dropped if it aborts).
  absl::flat_hash_set<std::tuple<uint64_t, uint8_t, uint64_t>> committed_edges_;
  absl::flat_hash_set<std::tuple<uint64_t, uint8_t, uint64_t>> pending_edges_;
  // The group's edges to or from a node its event created, forgotten at
  // the commit (such nodes are mostly never linked again). With
  // pending_edges_ they are every edge the group wrote, so edges are
  // written blind and looked up in the committed store only.
  absl::flat_hash_set<std::tuple<uint64_t, uint8_t, uint64_t>> new_node_edges_;
  // Version-name entries the group wrote: node IDs by name prefix (the
  // entry without its ID), for the scans of later events in the group.
  absl::flat_hash_map<std::string, std::vector<uint64_t>> group_names_;
  // Subject entries (token, node) the group wrote or found.
  absl::flat_hash_set<std::pair<std::string, uint64_t>> group_subjects_;
  // Nodes created by the event being indexed.
  absl::flat_hash_set<uint64_t> created_by_event_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_GRAPH_INDEXER_H_
