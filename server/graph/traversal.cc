#include "server/graph/traversal.h"

#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "common/status_macros.h"

namespace lineage {
namespace {

struct QueueEntry {
  uint64_t id;
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
// general, inlined over the in-memory index (the inner loop of every fast
// query).
template <typename F>
absl::Status EdgesOf(GraphView& view, uint64_t id, bool outgoing, F& visit) {
  return view.ForEachEdge(id, outgoing, visit);
}
template <typename F>
absl::Status EdgesOf(MemoryGraphView& view, uint64_t id, bool outgoing, F& visit) {
  view.ForEachEdgeInline(id, outgoing, visit);
  return absl::OkStatus();
}

// The traversal, compiled once for any view and once for the in-memory one.
template <typename View>
absl::StatusOr<TraversalResult> TraverseIn(View& view, const TraversalSpec& spec) {
  TraversalResult out;
  std::deque<QueueEntry> queue;
  absl::flat_hash_set<std::pair<uint64_t, uint64_t>> same_as_seen;
  for (uint64_t s : spec.start) {
    if (out.visits.TryEmplace(s).second) queue.push_back({s, 0});
  }
  const bool follow_out = !spec.upstream;
  uint64_t pops = 0;
  while (!queue.empty()) {
    // The index is far larger than the caches: ask for the nodes a few
    // pops ahead, then their edge lists, while this one is expanded.
    if (queue.size() > 16) view.PrefetchNode(queue[16].id);
    if (queue.size() > 8) {
      view.PrefetchEdges(queue[8].id, follow_out);
      out.visits.Prefetch(queue[8].id);
    }
    const QueueEntry entry = queue.front();
    queue.pop_front();
    bool is_start;
    {
      const Visit& visit = out.visits.at(entry.id);  // Invalidated by the next TryEmplace.
      if (entry.depth > visit.depth) continue;
      // Only start nodes have no predecessor: nothing replaces a depth-0 visit.
      is_start = visit.pred == Visit::kNoPred;
    }
    if (!out.visits.MarkExpanded(entry.id)) continue;
    if (++pops % 4096 == 0) {
      if (spec.check_cancelled) RETURN_IF_ERROR(spec.check_cancelled());
      view.Yield();
    }
    ASSIGN_OR_RETURN(const v1::NodeKind kind, view.Kind(entry.id));
    out.visits.SetNodeKind(entry.id, kind);
    bool wanted = (!is_start || spec.include_start) && spec.node_kinds.Contains(kind);
    if (wanted && spec.min_effective != v1::CLASSIFICATION_UNSPECIFIED) {
      ASSIGN_OR_RETURN(v1::Classification effective, view.Effective(entry.id));
      wanted = effective >= spec.min_effective;
    }
    if (wanted) {
      if (out.returned.size() >= spec.limit) {
        out.truncated = true;
        out.reason = v1::TRUNCATION_REASON_NODE_LIMIT;
        break;
      }
      out.returned.push_back(entry.id);
    }
    const bool at_max_depth = spec.max_depth > 0 && entry.depth >= spec.max_depth;
    if (!is_start) {
      ASSIGN_OR_RETURN(bool stops, Stops(view, spec, entry.id, kind));
      if (stops) continue;
    }
    // Follow edges the traversal's way, and SAME_AS both ways.
    bool has_next = false;
    auto follow = [&](uint64_t other, v1::EdgeKind kind, uint64_t log_index, bool along) {
      const bool same_as = kind == v1::EDGE_KIND_SAME_AS;
      if (!same_as && (!along || !spec.edge_kinds.Contains(kind))) return;
      if (!same_as && !has_next) {
        has_next = true;
        out.visits.SetHasNext(entry.id);
      }
      const uint32_t depth = entry.depth + (same_as ? 0 : 1);
      if (!same_as && at_max_depth) {
        if (!out.visits.contains(other)) {
          out.truncated = true;
          if (out.reason == v1::TRUNCATION_REASON_UNSPECIFIED) {
            out.reason = v1::TRUNCATION_REASON_MAX_DEPTH;
          }
        }
        return;
      }
      if (spec.record_edges) {
        const uint64_t from = along == follow_out ? entry.id : other;
        const uint64_t to = along == follow_out ? other : entry.id;
        if (!same_as || same_as_seen.insert({from, to}).second) {
          out.edges.push_back({from, to, kind, log_index});
        }
      }
      // Nodes are expanded in nondecreasing depth (0-1 BFS), so a node
      // already reached is at most as deep as one more hop makes it: only a
      // SAME_AS edge (no depth cost) can bring it closer.
      if (!same_as && out.visits.contains(other)) return;
      auto [reached, inserted] = out.visits.TryEmplace(other);
      if (!inserted && reached->depth <= depth) return;
      *reached = Visit{depth, entry.id, kind, log_index, along == follow_out};
      if (same_as) {
        queue.push_front({other, depth});
      } else {
        queue.push_back({other, depth});
      }
    };
    auto along = [&](uint64_t other, v1::EdgeKind kind, uint64_t index) {
      follow(other, kind, index, true);
    };
    RETURN_IF_ERROR(EdgesOf(view, entry.id, follow_out, along));
    // Against the traversal's way only SAME_AS edges are followed.
    RETURN_IF_ERROR(view.ForEachSameAs(entry.id, !follow_out,
                                       [&](uint64_t other, v1::EdgeKind kind, uint64_t index) {
                                         follow(other, kind, index, false);
                                       }));
    if (out.visits.size() > spec.max_visited) {
      out.truncated = true;
      out.reason = v1::TRUNCATION_REASON_VISIT_LIMIT;
      break;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<TraversalResult> Traverse(GraphView& view, const TraversalSpec& spec) {
  if (spec.start.empty()) return absl::InvalidArgumentError("start: at least one node is needed");
  if (auto* memory = dynamic_cast<MemoryGraphView*>(&view)) return TraverseIn(*memory, spec);
  return TraverseIn(view, spec);
}

std::vector<uint64_t> PathToStart(const TraversalResult& result, uint64_t id) {
  std::vector<uint64_t> path;
  while (true) {
    path.push_back(id);
    const Visit* visit = result.visits.find(id);
    if (visit == nullptr || visit->pred == Visit::kNoPred) break;
    id = visit->pred;
    if (path.size() > result.visits.size()) break;  // Defensive: never loop.
  }
  return path;
}

}  // namespace lineage
