// GraphIndexer: keeps the lineage graph in RocksDB in step with the log.
// The log writer calls it for every appended event, inside the group's
// WriteBatch, so graph updates commit atomically with the log entries that
// assert them. It reads through the batch (earlier events of the same group
// are visible), assigns node IDs in log order, and records every edge and
// property change with the log index that asserted it.
//
// After a commit it hands the group's GraphDelta to `on_commit` (the
// in-memory graph); after an abort it drops it.
//
// Thread-safety: used by the log writer thread only.
#ifndef LINEAGE_SERVER_GRAPH_GRAPH_INDEXER_H_
#define LINEAGE_SERVER_GRAPH_GRAPH_INDEXER_H_

#include <functional>
#include <optional>

#include "absl/status/statusor.h"
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

  const GraphStore& store_;
  std::function<void(const GraphDelta&)> on_commit_;
  GraphDelta pending_;
  // Committed + pending counters; reloaded after an abort.
  std::optional<uint64_t> next_id_;
  uint64_t edge_count_ = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_GRAPH_INDEXER_H_
