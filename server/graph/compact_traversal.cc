#include "server/graph/compact_traversal.h"

#include <algorithm>

#include "common/status_macros.h"
#include "server/graph/compact_adjacency.h"

namespace lineage {
namespace {

// How many nodes ahead of the one being expanded its row, then its edges,
// are prefetched: far enough for a memory miss to land, near enough that
// the row has arrived when the edges' address is read from it.
constexpr size_t kRowAhead = 24;
constexpr size_t kEdgesAhead = 12;

// Reached node IDs: one bit each.
class Bitmap {
 public:
  explicit Bitmap(uint64_t ids) : words_(ids / 64 + 1, 0) {}
  bool Contains(uint64_t id) const {
    return id / 64 < words_.size() && (words_[id / 64] >> (id % 64) & 1) != 0;
  }
  void Add(uint64_t id) {
    if (id / 64 >= words_.size()) words_.resize(id / 64 + 1, 0);
    words_[id / 64] |= uint64_t{1} << (id % 64);
  }

 private:
  std::vector<uint64_t> words_;
};

}  // namespace

absl::StatusOr<std::optional<TraversalResult>> TraverseCompact(MemoryGraphView& view,
                                                               const TraversalSpec& spec) {
  if (!spec.stop_at.empty() || spec.min_effective != v1::CLASSIFICATION_UNSPECIFIED ||
      spec.record_edges) {
    return std::nullopt;
  }
  const CompactAdjacency* compact = view.compact();
  if (compact == nullptr) return std::nullopt;
  const bool outgoing = !spec.upstream;
  const CompactAdjacency::Row* rows = compact->rows(outgoing);
  const uint32_t* edges = compact->edges(outgoing);
  const uint64_t compact_nodes = compact->node_count();
  const uint64_t snapshot = view.snapshot();

  TraversalResult out;
  std::vector<Reached>& reached = out.reached;
  reached.reserve(std::min<uint64_t>(view.node_count(), 4096));
  Bitmap seen(view.node_count());
  for (uint64_t s : spec.start) {
    if (seen.Contains(s)) continue;
    seen.Add(s);
    reached.push_back({.id = s});
  }
  uint64_t pops = 0;
  for (size_t head = 0; head < reached.size();) {
    if (head + kRowAhead < reached.size()) {
      const uint64_t ahead = reached[head + kRowAhead].id;
      if (ahead < compact_nodes) __builtin_prefetch(&rows[ahead]);
    }
    if (head + kEdgesAhead < reached.size()) {
      const uint64_t ahead = reached[head + kEdgesAhead].id;
      if (ahead < compact_nodes) __builtin_prefetch(&edges[rows[ahead].begin]);
    }
    const uint32_t self = static_cast<uint32_t>(head++);
    const uint64_t id = reached[self].id;
    const uint32_t depth = reached[self].depth;
    const bool is_start = reached[self].pred == Reached::kNoPred;
    reached[self].expanded = true;
    if (++pops % 4096 == 0) {
      if (spec.check_cancelled) RETURN_IF_ERROR(spec.check_cancelled());
      view.Yield();  // Dirty bits read after this are as fresh: see the header.
    }
    const bool clean = compact->Clean(id);
    const GraphIndex::Node* node = nullptr;
    uint8_t kind;
    if (clean) {
      if (rows[id].flags & CompactAdjacency::kFlagSameAs) return std::nullopt;
      kind = rows[id].kind;
    } else {
      node = view.index_node(id);
      if (node == nullptr || node->first_log_index >= snapshot) return view.Kind(id).status();
      if (node->same_as_out || node->same_as_in) return std::nullopt;
      kind = node->kind;
    }
    reached[self].node_kind = kind;
    if ((!is_start || spec.include_start) && spec.node_kinds.Contains(kind)) {
      if (out.returned.size() >= spec.limit) {
        out.truncated = true;
        out.reason = v1::TRUNCATION_REASON_NODE_LIMIT;
        break;
      }
      out.returned.push_back(self);
    }
    const bool at_max_depth = spec.max_depth > 0 && depth >= spec.max_depth;
    bool has_next = false;
    auto follow = [&](uint64_t other, uint8_t edge_kind, uint64_t log_index) {
      if (!spec.edge_kinds.Contains(edge_kind)) return;
      has_next = true;
      if (at_max_depth) {
        if (!seen.Contains(other)) {
          out.truncated = true;
          if (out.reason == v1::TRUNCATION_REASON_UNSPECIFIED) {
            out.reason = v1::TRUNCATION_REASON_MAX_DEPTH;
          }
        }
        return;
      }
      if (seen.Contains(other)) return;
      seen.Add(other);
      reached.push_back({.id = other,
                         .log_index = log_index,
                         .depth = depth + 1,
                         .pred = self,
                         .edge_kind = edge_kind,
                         .pred_is_from = outgoing});
    };
    if (clean) {
      for (uint32_t e = rows[id].begin, end = rows[id + 1].begin; e < end; ++e) {
        follow(CompactAdjacency::EdgeOther(edges[e]), CompactAdjacency::EdgeKind(edges[e]),
               Reached::kUnknownLogIndex);
      }
    } else {
      for (const GraphIndex::Edge& e : outgoing ? node->out : node->in) {
        if (e.log_index < snapshot) follow(e.other, e.kind, e.log_index);
      }
    }
    reached[self].has_next = has_next;
    if (reached.size() > spec.max_visited) {
      out.truncated = true;
      out.reason = v1::TRUNCATION_REASON_VISIT_LIMIT;
      break;
    }
  }
  return std::optional<TraversalResult>(std::move(out));
}

}  // namespace lineage
