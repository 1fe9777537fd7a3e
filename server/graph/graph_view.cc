#include "server/graph/graph_view.h"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "lineage/storage/graph_record.pb.h"
#include "server/graph/node_record.h"

namespace lineage {
namespace {

absl::Status NoSuchNodeAt(uint64_t id, uint64_t snapshot) {
  return absl::NotFoundError(
      absl::StrCat("node ", id, " does not exist at tree size ", snapshot));
}

}  // namespace

absl::Status GraphView::ForEachSameAs(
    uint64_t id, bool outgoing,
    absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit) {
  return ForEachEdge(id, outgoing, [&](uint64_t other, v1::EdgeKind kind, uint64_t log_index) {
    if (kind == v1::EDGE_KIND_SAME_AS) visit(other, kind, log_index);
  });
}

absl::Status GraphView::NoSuchNode(uint64_t id) const {
  return NoSuchNodeAt(id, snapshot_);
}

absl::StatusOr<v1::NodeKind> GraphView::Kind(uint64_t id) {
  ASSIGN_OR_RETURN(NodeInfo info, Info(id));
  return info.kind;
}

bool MemoryGraphView::Exists(uint64_t id) {
  const GraphIndex::Node* n = lock_.node(id);
  return n != nullptr && n->first_log_index < snapshot();
}

absl::StatusOr<NodeInfo> MemoryGraphView::Info(uint64_t id) {
  const GraphIndex::Node* n = lock_.node(id);
  if (n == nullptr || n->first_log_index >= snapshot()) return NoSuchNode(id);
  NodeInfo info;
  info.kind = static_cast<v1::NodeKind>(n->kind);
  info.first_log_index = n->first_log_index;
  info.declared = static_cast<v1::Classification>(GraphIndex::TierAt(n->declared, snapshot()));
  return info;
}

absl::StatusOr<v1::Classification> MemoryGraphView::Effective(uint64_t id) {
  const GraphIndex::Node* n = lock_.node(id);
  if (n == nullptr || n->first_log_index >= snapshot()) return NoSuchNode(id);
  return static_cast<v1::Classification>(GraphIndex::TierAt(n->effective, snapshot()));
}

absl::StatusOr<std::string> MemoryGraphView::Namespace(uint64_t id) {
  const GraphIndex::Node* n = lock_.node(id);
  if (n == nullptr) return NoSuchNode(id);
  return lock_.namespace_name(n->ns);
}

absl::StatusOr<absl::string_view> MemoryGraphView::Owner(uint64_t id) {
  if (lock_.node(id) == nullptr) return NoSuchNode(id);
  return absl::string_view(lock_.owner_at(id, snapshot()));
}

absl::Status MemoryGraphView::ForEachEdge(
    uint64_t id, bool outgoing,
    absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit) {
  ForEachEdgeInline(id, outgoing, visit);
  return absl::OkStatus();
}

absl::Status MemoryGraphView::ForEachSameAs(
    uint64_t id, bool outgoing,
    absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit) {
  const GraphIndex::Node* n = lock_.node(id);
  if (n == nullptr) return absl::OkStatus();
  if (!(outgoing ? n->same_as_out : n->same_as_in)) return absl::OkStatus();  // The usual case.
  const std::vector<GraphIndex::Edge>& edges = outgoing ? n->out : n->in;
  constexpr uint8_t kSameAs = v1::EDGE_KIND_SAME_AS;
  const uint64_t snap = snapshot();
  auto it = std::lower_bound(edges.begin(), edges.end(), kSameAs,
                             [](const GraphIndex::Edge& e, uint8_t kind) { return e.kind < kind; });
  for (; it != edges.end() && it->kind == kSameAs; ++it) {
    if (it->log_index < snap) visit(it->other, v1::EDGE_KIND_SAME_AS, it->log_index);
  }
  return absl::OkStatus();
}

void MemoryGraphView::Yield() {
  if (++since_yield_ < 4096) return;
  since_yield_ = 0;
  lock_.Yield();
}

absl::StatusOr<storage::GraphNodeRecord> StoredGraphView::ReadRecord(uint64_t id) {
  absl::StatusOr<std::string> bytes = store_.ReadNode(store_.database(), id);
  if (absl::IsNotFound(bytes.status())) return NoSuchNode(id);
  if (!bytes.ok()) return bytes.status();
  storage::GraphNodeRecord record;
  if (!record.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("graph node ", id, " record does not parse"));
  }
  return record;
}

absl::StatusOr<StoredGraphView::Cached*> StoredGraphView::Load(uint64_t id) {
  auto it = cache_.find(id);
  if (it != cache_.end()) return it->second.get();
  ASSIGN_OR_RETURN(storage::GraphNodeRecord record, ReadRecord(id));
  auto cached = std::make_unique<Cached>();
  cached->info.kind = record.kind();
  cached->info.first_log_index = record.first_log_index();
  cached->info.declared = DeclaredAt(record, snapshot());
  cached->ns = record.namespace_();
  Cached* raw = cached.get();
  cache_[id] = std::move(cached);
  return raw;
}

bool StoredGraphView::Exists(uint64_t id) {
  absl::StatusOr<Cached*> c = Load(id);
  return c.ok() && (*c)->info.first_log_index < snapshot();
}

absl::StatusOr<std::vector<uint64_t>> StoredGraphView::Upstream(uint64_t id) {
  std::vector<uint64_t> out;
  RETURN_IF_ERROR(ForEachEdge(id, /*outgoing=*/false,
                              [&](uint64_t other, v1::EdgeKind, uint64_t) { out.push_back(other); }));
  RETURN_IF_ERROR(ForEachEdge(id, /*outgoing=*/true, [&](uint64_t other, v1::EdgeKind kind, uint64_t) {
    if (kind == v1::EDGE_KIND_SAME_AS) out.push_back(other);
  }));
  return out;
}

absl::StatusOr<v1::Classification> StoredGraphView::Effective(uint64_t start) {
  ASSIGN_OR_RETURN(Cached * root, Load(start));
  if (root->info.first_log_index >= snapshot()) return NoSuchNode(start);
  if (root->effective_known) return root->effective;
  // Iterative Tarjan over upstream edges. A component completes only after
  // every component upstream of it, so its effective tier is the maximum of
  // its members' declared tiers and of its upstream neighbours' results.
  struct Frame {
    uint64_t id;
    std::vector<uint64_t> next;
    size_t pos = 0;
  };
  absl::flat_hash_map<uint64_t, std::pair<uint64_t, uint64_t>> order;  // id -> (index, low).
  absl::flat_hash_set<uint64_t> on_stack;
  std::vector<uint64_t> stack;
  std::vector<Frame> frames;
  uint64_t counter = 0;
  auto enter = [&](uint64_t id) -> absl::Status {
    order[id] = {counter, counter};
    ++counter;
    stack.push_back(id);
    on_stack.insert(id);
    ASSIGN_OR_RETURN(std::vector<uint64_t> next, Upstream(id));
    frames.push_back({id, std::move(next), 0});
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(enter(start));
  while (!frames.empty()) {
    Frame& f = frames.back();
    if (f.pos < f.next.size()) {
      const uint64_t v = f.next[f.pos++];
      ASSIGN_OR_RETURN(Cached * c, Load(v));
      if (c->effective_known) continue;
      auto it = order.find(v);
      if (it == order.end()) {
        RETURN_IF_ERROR(enter(v));
      } else if (on_stack.contains(v)) {
        auto& low = order[f.id].second;
        low = std::min(low, it->second.first);
      }
      continue;
    }
    const uint64_t u = f.id;
    frames.pop_back();
    const auto [index, low] = order[u];
    if (!frames.empty()) {
      auto& parent_low = order[frames.back().id].second;
      parent_low = std::min(parent_low, low);
    }
    if (low != index) continue;
    // `u` roots a component: pop it and settle its tier.
    std::vector<uint64_t> members;
    while (true) {
      const uint64_t w = stack.back();
      stack.pop_back();
      on_stack.erase(w);
      members.push_back(w);
      if (w == u) break;
    }
    absl::flat_hash_set<uint64_t> in_component(members.begin(), members.end());
    v1::Classification best = v1::CLASSIFICATION_UNSPECIFIED;
    for (uint64_t m : members) {
      ASSIGN_OR_RETURN(Cached * c, Load(m));
      best = std::max(best, c->info.declared);
      ASSIGN_OR_RETURN(std::vector<uint64_t> next, Upstream(m));
      for (uint64_t v : next) {
        if (in_component.contains(v)) continue;
        ASSIGN_OR_RETURN(Cached * o, Load(v));
        best = std::max(best, o->effective);  // Settled: upstream components finish first.
      }
    }
    for (uint64_t m : members) {
      Cached* c = *Load(m);
      c->effective = best;
      c->effective_known = true;
    }
  }
  return root->effective;
}

absl::StatusOr<NodeInfo> StoredGraphView::Info(uint64_t id) {
  ASSIGN_OR_RETURN(Cached * c, Load(id));
  if (c->info.first_log_index >= snapshot()) return NoSuchNode(id);
  return c->info;
}

absl::StatusOr<std::string> StoredGraphView::Namespace(uint64_t id) {
  ASSIGN_OR_RETURN(Cached * c, Load(id));
  return c->ns;
}

absl::StatusOr<absl::string_view> StoredGraphView::Owner(uint64_t id) {
  // Read again rather than kept by Load: only deletion impact asks, and
  // traversals over RocksDB load every node they expand.
  ASSIGN_OR_RETURN(storage::GraphNodeRecord record, ReadRecord(id));
  owner_ = PropertyAt(record, kOwnerProperty, snapshot());
  return absl::string_view(owner_);
}

absl::Status StoredGraphView::ForEachEdge(
    uint64_t id, bool outgoing,
    absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit) {
  const uint64_t snap = snapshot();
  return store_.ScanEdges(store_.database(), id, outgoing, [&](const StoredEdge& e) {
    if (e.log_index < snap) visit(e.other, static_cast<v1::EdgeKind>(e.kind), e.log_index);
    return true;
  });
}

}  // namespace lineage
