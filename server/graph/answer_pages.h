// The pages of Traverse and DeletionImpact answers, built on demand from a
// finished traversal (so memory stays bounded by the traversal plus one
// page), and the small helpers every answer shares: the view a query reads
// through and the wire form of an edge.
//
// Kept apart from LineageQueries (which resolves requests, snapshots and
// runs the traversal) so that bench/graph/graph_phase_bench times the very
// code lineaged answers with.
//
// Thread-safety: a PageSource is used by one thread; the store and index
// must outlive it.
#ifndef LINEAGE_SERVER_GRAPH_ANSWER_PAGES_H_
#define LINEAGE_SERVER_GRAPH_ANSWER_PAGES_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/graph_index.h"
#include "server/graph/graph_view.h"
#include "server/graph/traversal.h"
#include "storage/graph_store.h"

namespace lineage {

// Produces the pages of a streamed answer, one at a time.
template <typename Page>
class PageSource {
 public:
  virtual ~PageSource() = default;
  // Fills `page`, which must be empty, with the next page; its `done` field
  // is set on the last one. `page` may live on an arena (callers give each
  // page one: an answer of a million nodes is then freed at once, not node
  // by node). Errors as the query's.
  virtual absl::Status Next(Page& page) = 0;

  // What the whole answer names, whichever pages were built already (the
  // access record lists it; see server/service/paged_writer.h): appends
  // to `ids` every node ID that any page will carry in any field (repeats
  // allowed), and adds to `namespaces` the namespace of every node message
  // that will carry one, while it holds fewer than `max_namespaces`.
  virtual absl::Status NamedNodes(std::vector<uint64_t>& ids, std::set<std::string>& namespaces,
                                  size_t max_namespaces) = 0;
};

// A view of the graph at tree size `size`: over `index` when there is one,
// else straight over RocksDB.
std::unique_ptr<GraphView> MakeView(const GraphStore& store, const GraphIndex* index,
                                    uint64_t size);

v1::Edge ToEdge(uint64_t from, uint64_t to, v1::EdgeKind kind, uint64_t log_index);

// How an answer's pages are laid out.
struct AnswerForm {
  v1::NodeView level = v1::NODE_VIEW_BASIC;  // Never UNSPECIFIED.
  uint32_t page_size = 10000;                // Nodes per page.
  // Parallel arrays (ANSWER_LAYOUT_COLUMNS) instead of a message per node;
  // `level` is then NODE_VIEW_ID.
  bool columns = false;
  // DeletionImpact: whole witness paths rather than predecessors only
  // (never with `columns`).
  bool full_paths = false;
};

// The pages of a Traverse answer: `result`'s nodes (as messages at
// `form.level`, or columns), then its edges, `form.page_size` of each per
// page; the first page carries `checkpoint`, the last the counts and
// truncation.
std::unique_ptr<PageSource<v1::TraverseResponse>> MakeTraversePages(
    const GraphStore& store, const GraphIndex* index, uint64_t size,
    v1::SignedCheckpoint checkpoint, TraversalResult result, AnswerForm form);

// The pages of a DeletionImpact answer: `sources` on the first page, then
// every node `result` reached below depth 0, with its owner, source and
// witness: grouped by kind within each page (messages), or in traversal
// order (columns).
std::unique_ptr<PageSource<v1::DeletionImpactResponse>> MakeImpactPages(
    const GraphStore& store, const GraphIndex* index, uint64_t size,
    v1::SignedCheckpoint checkpoint, std::vector<uint64_t> sources, TraversalResult result,
    AnswerForm form);

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_ANSWER_PAGES_H_
