#include "server/graph/graph_view.h"

#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "lineage/storage/graph_record.pb.h"
#include "server/graph/node_record.h"

namespace lineage {
namespace {

absl::Status NoSuchNode(uint64_t id, uint64_t snapshot) {
  return absl::NotFoundError(
      absl::StrCat("node ", id, " does not exist at tree size ", snapshot));
}

}  // namespace

bool MemoryGraphView::Exists(uint64_t id) {
  const GraphIndex::Node* n = lock_.node(id);
  return n != nullptr && n->first_log_index < snapshot();
}

absl::StatusOr<NodeInfo> MemoryGraphView::Info(uint64_t id) {
  const GraphIndex::Node* n = lock_.node(id);
  if (n == nullptr || n->first_log_index >= snapshot()) return NoSuchNode(id, snapshot());
  NodeInfo info;
  info.kind = static_cast<v1::NodeKind>(n->kind);
  info.first_log_index = n->first_log_index;
  info.declared = static_cast<v1::Classification>(GraphIndex::TierAt(n->declared, snapshot()));
  info.effective = static_cast<v1::Classification>(GraphIndex::TierAt(n->effective, snapshot()));
  return info;
}

absl::StatusOr<std::string> MemoryGraphView::Namespace(uint64_t id) {
  const GraphIndex::Node* n = lock_.node(id);
  if (n == nullptr) return NoSuchNode(id, snapshot());
  return lock_.namespace_name(n->ns);
}

absl::Status MemoryGraphView::ForEachEdge(
    uint64_t id, bool outgoing,
    absl::FunctionRef<void(uint64_t other, v1::EdgeKind kind, uint64_t log_index)> visit) {
  const GraphIndex::Node* n = lock_.node(id);
  if (n == nullptr) return absl::OkStatus();
  const uint64_t snap = snapshot();
  for (const GraphIndex::Edge& e : outgoing ? n->out : n->in) {
    if (e.log_index < snap) visit(e.other, static_cast<v1::EdgeKind>(e.kind), e.log_index);
  }
  return absl::OkStatus();
}

void MemoryGraphView::Yield() {
  if (++since_yield_ < 4096) return;
  since_yield_ = 0;
  lock_.Yield();
}

absl::StatusOr<StoredGraphView::Cached*> StoredGraphView::Load(uint64_t id) {
  auto it = cache_.find(id);
  if (it != cache_.end()) return it->second.get();
  absl::StatusOr<std::string> bytes = store_.ReadNode(store_.database(), id);
  if (absl::IsNotFound(bytes.status())) return NoSuchNode(id, snapshot());
  if (!bytes.ok()) return bytes.status();
  storage::GraphNodeRecord record;
  if (!record.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("graph node ", id, " record does not parse"));
  }
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

absl::StatusOr<v1::Classification> StoredGraphView::Effective(uint64_t start) {
  // Highest declared tier upstream (all edge kinds; SAME_AS both ways).
  v1::Classification best = v1::CLASSIFICATION_UNSPECIFIED;
  absl::flat_hash_set<uint64_t> seen = {start};
  std::deque<uint64_t> queue = {start};
  while (!queue.empty()) {
    const uint64_t id = queue.front();
    queue.pop_front();
    ASSIGN_OR_RETURN(Cached * c, Load(id));
    best = std::max(best, c->info.declared);
    auto follow = [&](uint64_t other) {
      if (seen.insert(other).second) queue.push_back(other);
    };
    RETURN_IF_ERROR(ForEachEdge(id, /*outgoing=*/false,
                                [&](uint64_t other, v1::EdgeKind, uint64_t) { follow(other); }));
    RETURN_IF_ERROR(ForEachEdge(id, /*outgoing=*/true, [&](uint64_t other, v1::EdgeKind kind, uint64_t) {
      if (kind == v1::EDGE_KIND_SAME_AS) follow(other);
    }));
  }
  return best;
}

absl::StatusOr<NodeInfo> StoredGraphView::Info(uint64_t id) {
  ASSIGN_OR_RETURN(Cached * c, Load(id));
  if (c->info.first_log_index >= snapshot()) return NoSuchNode(id, snapshot());
  if (!c->effective_known) {
    ASSIGN_OR_RETURN(v1::Classification effective, Effective(id));
    c->info.effective = effective;
    c->effective_known = true;
  }
  return c->info;
}

absl::StatusOr<std::string> StoredGraphView::Namespace(uint64_t id) {
  ASSIGN_OR_RETURN(Cached * c, Load(id));
  return c->ns;
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
