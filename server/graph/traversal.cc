#include "server/graph/traversal.h"

#include <deque>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/graph/compact_traversal.h"
#include "server/graph/visit_map.h"

namespace lineage {
namespace {

struct QueueEntry {
  uint32_t index;  // Into TraversalResult::reached.
  uint32_t depth;
};

absl::StatusOr<bool> Stops(GraphView& view, const TraversalSpec& spec, uint64_t id,
                           v1::NodeKind kind) {
  for (const StopCondition& stop : spec.stop_at) {
    if (stop.kind != v1::NODE_KIND_UNSPECIFIED && stop.kind != kind) continue;
    if (!stop.namespace_prefix.empty()) {
      ASSIGN_OR_RETURN(std::string ns, view.Namespace(id));
      if (!absl::StartsWith(ns, stop.namespace_prefix)) continue;
    }
    return true;
  }
  return false;
}

// A node's edges the traversal's way: through the virtual ForEachEdge in
// general, inlined over the in-memory index.
template <typename F>
absl::Status EdgesOf(GraphView& view, uint64_t id, bool outgoing, F& visit) {
  return view.ForEachEdge(id, outgoing, visit);
}
template <typename F>
absl::Status EdgesOf(MemoryGraphView& view, uint64_t id, bool outgoing, F& visit) {
  view.ForEachEdgeInline(id, outgoing, visit);
  return absl::OkStatus();
}

// The general traversal (any view, every option), compiled once for any
// view and once for the in-memory one.
template <typename View>
absl::StatusOr<TraversalResult> TraverseIn(View& view, const TraversalSpec& spec) {
  TraversalResult out;
  std::vector<Reached>& reached = out.reached;
  VisitMap visits;
  std::deque<QueueEntry> queue;
  absl::flat_hash_set<std::pair<uint64_t, uint64_t>> same_as_seen;
  for (uint64_t s : spec.start) {
    const auto [index, inserted] = visits.Insert(s, static_cast<uint32_t>(reached.size()));
    if (!inserted) continue;
    reached.push_back({.id = s});
    queue.push_back({index, 0});
  }
  const bool follow_out = !spec.upstream;
  uint64_t pops = 0;
  while (!queue.empty()) {
    // The index is far larger than the caches: ask for the nodes a few
    // pops ahead, then their edge lists, while this one is expanded.
    if (queue.size() > 16) view.PrefetchNode(reached[queue[16].index].id);
    if (queue.size() > 8) view.PrefetchEdges(reached[queue[8].index].id, follow_out);
    const QueueEntry entry = queue.front();
    queue.pop_front();
    const uint32_t self = entry.index;
    const uint64_t id = reached[self].id;
    if (entry.depth > reached[self].depth) continue;
    // Only start nodes have no predecessor: nothing replaces a depth-0 visit.
    const bool is_start = reached[self].pred == Reached::kNoPred;
    if (std::exchange(reached[self].expanded, true)) continue;
    if (++pops % 4096 == 0) {
      if (spec.check_cancelled) RETURN_IF_ERROR(spec.check_cancelled());
      view.Yield();
    }
    ASSIGN_OR_RETURN(const v1::NodeKind kind, view.Kind(id));
    reached[self].node_kind = static_cast<uint8_t>(kind);
    bool wanted = (!is_start || spec.include_start) && spec.node_kinds.Contains(kind);
    if (wanted && spec.min_effective != v1::CLASSIFICATION_UNSPECIFIED) {
      ASSIGN_OR_RETURN(v1::Classification effective, view.Effective(id));
      wanted = effective >= spec.min_effective;
    }
    if (wanted) {
      if (out.returned.size() >= spec.limit) {
        out.truncated = true;
        out.reason = v1::TRUNCATION_REASON_NODE_LIMIT;
        break;
      }
      out.returned.push_back(self);
    }
    const bool at_max_depth = spec.max_depth > 0 && entry.depth >= spec.max_depth;
    if (!is_start) {
      ASSIGN_OR_RETURN(bool stops, Stops(view, spec, id, kind));
      if (stops) continue;
    }
    // Follow edges the traversal's way, and SAME_AS both ways.
    auto follow = [&](uint64_t other, v1::EdgeKind kind, uint64_t log_index, bool along) {
      const bool same_as = kind == v1::EDGE_KIND_SAME_AS;
      if (!same_as && (!along || !spec.edge_kinds.Contains(kind))) return;
      if (!same_as) reached[self].has_next = true;
      const uint32_t depth = entry.depth + (same_as ? 0 : 1);
      if (!same_as && at_max_depth) {
        if (!visits.contains(other)) {
          out.truncated = true;
          if (out.reason == v1::TRUNCATION_REASON_UNSPECIFIED) {
            out.reason = v1::TRUNCATION_REASON_MAX_DEPTH;
          }
        }
        return;
      }
      if (spec.record_edges) {
        const uint64_t from = along == follow_out ? id : other;
        const uint64_t to = along == follow_out ? other : id;
        if (!same_as || same_as_seen.insert({from, to}).second) {
          out.edges.push_back({from, to, kind, log_index});
        }
      }
      // Nodes are expanded in nondecreasing depth (0-1 BFS), so a node
      // already reached is at most as deep as one more hop makes it: only a
      // SAME_AS edge (no depth cost) can bring it closer.
      if (!same_as && visits.contains(other)) return;
      const auto [index, inserted] = visits.Insert(other, static_cast<uint32_t>(reached.size()));
      if (inserted) {
        reached.push_back({.id = other});
      } else if (reached[index].depth <= depth) {
        return;
      }
      Reached& r = reached[index];
      r.depth = depth;
      r.pred = self;
      r.edge_kind = static_cast<uint8_t>(kind);
      r.log_index = log_index;
      r.pred_is_from = along == follow_out;
      if (same_as) {
        queue.push_front({index, depth});
      } else {
        queue.push_back({index, depth});
      }
    };
    auto along = [&](uint64_t other, v1::EdgeKind kind, uint64_t index) {
      follow(other, kind, index, true);
    };
    RETURN_IF_ERROR(EdgesOf(view, id, follow_out, along));
    // Against the traversal's way only SAME_AS edges are followed.
    RETURN_IF_ERROR(
        view.ForEachSameAs(id, !follow_out, [&](uint64_t other, v1::EdgeKind kind, uint64_t index) {
          follow(other, kind, index, false);
        }));
    if (reached.size() > spec.max_visited) {
      out.truncated = true;
      out.reason = v1::TRUNCATION_REASON_VISIT_LIMIT;
      break;
    }
  }
  return out;
}

}  // namespace

uint32_t TraversalResult::IndexOf(uint64_t id) const {
  if (by_id_ == nullptr) {
    auto map = std::make_shared<absl::flat_hash_map<uint64_t, uint32_t>>();
    map->reserve(reached.size());
    for (uint32_t i = 0; i < reached.size(); ++i) map->emplace(reached[i].id, i);
    by_id_ = std::move(map);
  }
  auto it = by_id_->find(id);
  return it == by_id_->end() ? kNotReached : it->second;
}

absl::StatusOr<TraversalResult> Traverse(GraphView& view, const TraversalSpec& spec) {
  if (spec.start.empty()) return absl::InvalidArgumentError("start: at least one node is needed");
  if (auto* memory = dynamic_cast<MemoryGraphView*>(&view)) {
    ASSIGN_OR_RETURN(std::optional<TraversalResult> compact, TraverseCompact(*memory, spec));
    if (compact.has_value()) return *std::move(compact);
    return TraverseIn(*memory, spec);
  }
  return TraverseIn(view, spec);
}

std::vector<uint32_t> PathToStart(const TraversalResult& result, uint32_t index) {
  std::vector<uint32_t> path;
  while (index < result.reached.size()) {
    path.push_back(index);
    index = result.reached[index].pred;
    if (path.size() > result.reached.size()) break;  // Defensive: never loop.
  }
  return path;
}

absl::StatusOr<uint64_t> ReachingLogIndex(GraphView& view, const TraversalResult& result,
                                          uint32_t index) {
  const Reached& r = result.reached[index];
  if (r.pred == Reached::kNoPred) {
    return absl::NotFoundError(absl::StrCat("node ", r.id, " is a start node"));
  }
  if (r.log_index != Reached::kUnknownLogIndex) return r.log_index;
  const uint64_t pred = result.reached[r.pred].id;
  std::optional<uint64_t> found;
  // Stored pred -> node when pred_is_from: one of pred's outgoing edges.
  RETURN_IF_ERROR(view.ForEachEdge(pred, r.pred_is_from,
                                   [&](uint64_t other, v1::EdgeKind kind, uint64_t log_index) {
                                     if (other == r.id && kind == r.edge_kind && !found) {
                                       found = log_index;
                                     }
                                   }));
  if (!found) {
    return absl::InternalError(absl::StrCat("edge ", pred, " - ", r.id, " of kind ", r.edge_kind,
                                            " the traversal followed is gone"));
  }
  return *found;
}

}  // namespace lineage
