// LineageQueries: the LineageService requests (proto/lineage/v1/lineage.proto)
// answered over the graph: selector resolution, as-of snapshots with their
// signed checkpoints, traversal, trace, deletion impact, search, and the
// node views returned.
//
// Large answers come as pages produced on demand (PageSource), so memory
// stays bounded by the traversal itself plus one page.
//
// Thread-safety: safe for concurrent use; each call builds its own view.
// The ledger, store and (optional) index must outlive it.
#ifndef LINEAGE_SERVER_GRAPH_LINEAGE_QUERIES_H_
#define LINEAGE_SERVER_GRAPH_LINEAGE_QUERIES_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "lineage/v1/admin.pb.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/answer_pages.h"
#include "server/graph/graph_index.h"
#include "server/graph/graph_view.h"
#include "server/ledger/ledger.h"
#include "storage/graph_store.h"

namespace lineage {

class LineageQueries {
 public:
  // Polled during long work; non-OK stops it (deadline, cancellation).
  using CancelCheck = std::function<absl::Status()>;

  // `index` may be null: queries then read RocksDB directly.
  LineageQueries(const Ledger& ledger, const GraphStore& store, const GraphIndex* index)
      : ledger_(ledger), store_(store), index_(index) {}

  absl::StatusOr<std::unique_ptr<PageSource<v1::TraverseResponse>>> Traverse(
      const v1::TraverseRequest& request, CancelCheck cancelled) const;

  absl::StatusOr<v1::TraceResponse> Trace(const v1::TraceRequest& request,
                                          CancelCheck cancelled) const;

  absl::StatusOr<std::unique_ptr<PageSource<v1::DeletionImpactResponse>>> DeletionImpact(
      const v1::DeletionImpactRequest& request, CancelCheck cancelled) const;

  absl::StatusOr<v1::SearchNodesResponse> SearchNodes(const v1::SearchNodesRequest& request,
                                                      CancelCheck cancelled) const;

  absl::StatusOr<v1::GetNodeResponse> GetNode(const v1::GetNodeRequest& request) const;

  // The tree size `as_of` names now: its tree_size, the size at its time,
  // or the latest checkpoint's when unset; errors as the queries give them.
  // A query asked again with as_of.tree_size set to it gets the same answer.
  absl::StatusOr<uint64_t> ResolveAsOf(const v1::AsOf& as_of) const;

  // What the graph holds now (for AdminService.GetStatus).
  v1::GraphStatus Status() const;

 private:
  struct Snapshot;
  absl::StatusOr<Snapshot> At(const v1::AsOf& as_of) const;

  const Ledger& ledger_;
  const GraphStore& store_;
  const GraphIndex* index_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_LINEAGE_QUERIES_H_
