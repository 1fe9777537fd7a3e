#include "server/graph/graph_index.h"

#include <algorithm>
#include <deque>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "lineage/storage/graph_record.pb.h"
#include "server/graph/event_plan.h"

namespace lineage {
namespace {

// Adjacency lists are kept in (kind, other node) order: the order RocksDB
// scans edge keys in. Traversals over the index, over RocksDB, and over an
// index reloaded at start then visit edges alike, so they give identical
// answers, down to the order of nodes at equal depth and which of several
// equally short paths is the witness.
bool EdgeBefore(const GraphIndex::Edge& a, const GraphIndex::Edge& b) {
  return std::tie(a.kind, a.other) < std::tie(b.kind, b.other);
}

void InsertInOrder(std::vector<GraphIndex::Edge>& edges, const GraphIndex::Edge& e) {
  edges.insert(std::upper_bound(edges.begin(), edges.end(), e, EdgeBefore), e);
}

// Rebuild once the edges added since the last build exceed a quarter of
// them (and at least this many): the rebuilds' cost, amortised, is then
// about five copies of each edge (measured: 3-10% of ingest CPU at an
// eighth). Until then, nodes that gained edges are read from the index.
constexpr uint64_t kMinRebuildEdges = 65536;
constexpr uint64_t kRebuildFraction = 4;

}  // namespace

GraphIndex::~GraphIndex() = default;

size_t GraphIndex::EstimateBytes(uint64_t nodes, uint64_t edges) {
  // The nodes and their edge lists, plus the compact adjacency (twice while
  // it is rebuilt).
  return nodes * (sizeof(Node) + sizeof(OwnerHistory)) + 2 * edges * sizeof(Edge) +
         2 * (nodes * 2 * sizeof(CompactAdjacency::Row) + edges * 2 * sizeof(uint32_t));
}

uint8_t GraphIndex::TierAt(const absl::InlinedVector<TierStep, 1>& history, uint64_t snapshot) {
  uint8_t tier = 0;
  for (const TierStep& step : history) {
    if (step.log_index >= snapshot) break;
    tier = step.tier;
  }
  return tier;
}

uint64_t GraphIndex::edge_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return edges_;
}

uint32_t GraphIndex::InternNamespace(const std::string& ns) {
  auto [it, inserted] = namespace_ids_.emplace(ns, static_cast<uint32_t>(namespaces_.size()));
  if (inserted) namespaces_.push_back(ns);
  return it->second;
}

void GraphIndex::AddOwner(uint64_t id, const std::string& owner, uint64_t log_index) {
  auto [it, inserted] = owner_ids_.emplace(owner, static_cast<uint32_t>(owner_names_.size()));
  if (inserted) owner_names_.push_back(owner);
  owners_.GrowTo(id + 1);
  owners_[id].push_back({log_index, it->second});
}

GraphIndex::Node& GraphIndex::Ensure(uint64_t id) {
  nodes_.GrowTo(id + 1);
  return nodes_[id];
}

void GraphIndex::AddEdge(uint64_t from, uint8_t kind, uint64_t to, uint64_t log_index) {
  Ensure(std::max(from, to));
  InsertInOrder(nodes_[from].out, {static_cast<uint32_t>(to), kind, log_index});
  InsertInOrder(nodes_[to].in, {static_cast<uint32_t>(from), kind, log_index});
  if (kind == v1::EDGE_KIND_SAME_AS) nodes_[from].same_as_out = nodes_[to].same_as_in = true;
  ++edges_;
  if (compact_ != nullptr) {
    compact_->MarkDirty(from);
    compact_->MarkDirty(to);
  }
  if (compact_building_) {
    compact_pending_.push_back(from);
    compact_pending_.push_back(to);
  }
}

void GraphIndex::Raise(uint64_t start, uint8_t tier, uint64_t log_index) {
  std::deque<uint64_t> queue;
  auto raise = [&](uint64_t id) {
    Node& n = nodes_[id];
    const uint8_t now = n.effective.empty() ? 0 : n.effective.back().tier;
    if (tier <= now) return;
    // One step per log index: an entry may raise a node twice (over two of
    // its edges), and the order it does so in must not show.
    if (!n.effective.empty() && n.effective.back().log_index == log_index) {
      n.effective.back().tier = tier;
    } else {
      n.effective.push_back({log_index, tier});
    }
    queue.push_back(id);
  };
  raise(start);
  while (!queue.empty()) {
    const uint64_t id = queue.front();
    queue.pop_front();
    for (const Edge& e : nodes_[id].out) {
      if (e.log_index <= log_index) raise(e.other);
    }
    for (const Edge& e : nodes_[id].in) {
      // Equivalent versions (SAME_AS) share their classification both ways.
      if (e.kind == v1::EDGE_KIND_SAME_AS && e.log_index <= log_index) raise(e.other);
    }
  }
}

void GraphIndex::EdgeRaises(uint64_t from, uint8_t kind, uint64_t to, uint64_t log_index) {
  const auto current = [&](uint64_t id) -> uint8_t {
    const Node& n = nodes_[id];
    return n.effective.empty() ? 0 : n.effective.back().tier;
  };
  Raise(to, current(from), log_index);
  if (kind == v1::EDGE_KIND_SAME_AS) Raise(from, current(to), log_index);
}

void GraphIndex::Apply(const GraphDelta& delta) {
  apply_waiting_.fetch_add(1, std::memory_order_acq_rel);
  absl::MutexLock lock(&mu_);
  apply_waiting_.fetch_sub(1, std::memory_order_acq_rel);
  for (const GraphDelta::Item& item : delta.order) {
    switch (item.type) {
      case GraphDelta::Item::Type::kNode: {
        const GraphDelta::NewNode& n = delta.nodes[item.position];
        Node& node = Ensure(n.id);
        node.first_log_index = n.first_log_index;
        node.kind = static_cast<uint8_t>(n.kind);
        node.ns = InternNamespace(n.ns);
        Applied(n.first_log_index);
        break;
      }
      case GraphDelta::Item::Type::kEdge: {
        const GraphDelta::NewEdge& e = delta.edges[item.position];
        AddEdge(e.from, static_cast<uint8_t>(e.kind), e.to, e.log_index);
        EdgeRaises(e.from, static_cast<uint8_t>(e.kind), e.to, e.log_index);
        Applied(e.log_index);
        break;
      }
      case GraphDelta::Item::Type::kTier: {
        const GraphDelta::TierRaise& t = delta.tiers[item.position];
        Applied(t.log_index);
        Node& node = Ensure(t.id);
        node.declared.push_back({t.log_index, static_cast<uint8_t>(t.tier)});
        Raise(t.id, static_cast<uint8_t>(t.tier), t.log_index);
        break;
      }
      case GraphDelta::Item::Type::kOwner: {
        const GraphDelta::OwnerChange& o = delta.owners[item.position];
        AddOwner(o.id, o.owner, o.log_index);
        Applied(o.log_index);
        break;
      }
    }
  }
  MaybeRefreshCompact();
}

std::unique_ptr<CompactAdjacency> GraphIndex::BuildCompact(uint64_t size, uint64_t nodes,
                                                           bool yield_lock) {
  uint64_t out_hint, in_hint;
  {
    if (yield_lock) mu_.ReaderLock();
    out_hint = in_hint = edges_;
    if (yield_lock) mu_.ReaderUnlock();
  }
  if (!CompactAdjacency::Fits(nodes, out_hint, in_hint)) return nullptr;
  CompactAdjacency::Builder builder(size, nodes, out_hint, in_hint);
  const uint64_t slice = std::max<uint64_t>(1, options_.rebuild_slice_nodes);
  for (uint64_t begin = 0; begin < nodes; begin += slice) {
    if (yield_lock && begin > 0 && options_.between_rebuild_slices) {
      options_.between_rebuild_slices();
    }
    if (yield_lock) mu_.ReaderLock();
    const uint64_t end = std::min(nodes, begin + slice);
    for (uint64_t id = begin; id < end; ++id) {
      const Node& n = nodes_[id];
      const bool absent = n.first_log_index >= size;
      builder.AddNode(n.kind, n.same_as_out || n.same_as_in, absent);
      if (absent) continue;
      bool later = false;
      for (const Edge& e : n.out) {
        if (e.log_index < size) {
          builder.AddOut(e.other, e.kind);
        } else {
          later = true;
        }
      }
      for (const Edge& e : n.in) {
        if (e.log_index < size) {
          builder.AddIn(e.other, e.kind);
        } else {
          later = true;
        }
      }
      if (later) builder.MarkLastDirty();
    }
    if (yield_lock) {
      mu_.ReaderUnlock();
      LetApplyIn();
    }
  }
  return builder.Finish();
}

void GraphIndex::InstallCompact(std::unique_ptr<CompactAdjacency> compact) {
  compact_ = std::move(compact);
  compact_const_ = compact_;
  compact_edges_ = edges_;
  ++compact_rebuilds_;
}

void GraphIndex::RebuildCompact() {
  absl::MutexLock serial(&rebuild_mu_);
  const absl::Time start = absl::Now();
  uint64_t size, nodes;
  {
    absl::MutexLock lock(&mu_);
    size = applied_size_;
    nodes = nodes_.size();
    compact_building_ = true;
    compact_pending_.clear();
  }
  std::unique_ptr<CompactAdjacency> compact = BuildCompact(size, nodes, /*yield_lock=*/true);
  std::shared_ptr<const CompactAdjacency> old;  // Freed after the lock is released.
  absl::MutexLock lock(&mu_);
  old = compact_const_;
  if (compact != nullptr) {
    for (uint64_t id : compact_pending_) compact->MarkDirty(id);
  }
  compact_building_ = false;
  const size_t pending = compact_pending_.size();
  compact_pending_.clear();
  compact_pending_.shrink_to_fit();
  if (compact != nullptr) {
    LOG_INFO("lineage graph: compact adjacency rebuilt at tree size ", size, " (", nodes,
             " nodes, ", compact->edge_count(), " edges, ", compact->bytes() >> 20, " MiB) in ",
             absl::ToInt64Milliseconds(absl::Now() - start), " ms; ", pending / 2,
             " edges applied meanwhile");
  }
  InstallCompact(std::move(compact));
}

void GraphIndex::MaybeRefreshCompact() {
  if (refresher_ == nullptr || compact_building_) return;
  const uint64_t added = edges_ - compact_edges_;
  if (added < std::max(kMinRebuildEdges, compact_edges_ / kRebuildFraction)) return;
  compact_building_ = true;  // RebuildCompact sets it again; no second schedule meanwhile.
  refresher_->Schedule([this] { RebuildCompact(); });
}

GraphIndex::Stats GraphIndex::stats() const {
  absl::ReaderMutexLock lock(&mu_);
  Stats stats;
  stats.nodes = nodes_.size() > 0 ? nodes_.size() - 1 : 0;
  stats.edges = edges_;
  stats.compact.rebuilds = compact_rebuilds_;
  if (compact_ == nullptr) return stats;
  stats.compact.size = compact_->size();
  stats.compact.nodes = compact_->node_count();
  stats.compact.edges = compact_->edge_count();
  stats.compact.dirty = compact_->dirty_count();
  stats.compact.bytes = compact_->bytes();
  return stats;
}

absl::StatusOr<std::unique_ptr<GraphIndex>> GraphIndex::Load(const GraphStore& store,
                                                             const Options& options) {
  std::unique_ptr<GraphIndex> index(new GraphIndex());
  index->options_ = options;
  absl::MutexLock lock(&index->mu_);
  const KvReader& db = store.database();
  ASSIGN_OR_RETURN(uint64_t next, store.ReadNextNodeId(db));
  index->nodes_.GrowTo(next);
  // Tier rises and edges, replayed in log order for effective tiers.
  struct Event {
    uint64_t log_index;
    bool is_edge;
    uint64_t a, b;  // Tier: node, tier. Edge: from, to.
    uint8_t kind;
  };
  std::vector<Event> events;
  absl::Status bad = absl::OkStatus();
  RETURN_IF_ERROR(store.ScanNodes(db, [&](uint64_t id, absl::string_view bytes) {
    storage::GraphNodeRecord record;
    if (id >= next || !record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      bad = absl::DataLossError(absl::StrCat("graph node ", id, " record is damaged"));
      return false;
    }
    Node& n = index->nodes_[id];
    n.first_log_index = record.first_log_index();
    n.kind = static_cast<uint8_t>(record.kind());
    n.ns = index->InternNamespace(record.namespace_());
    index->Applied(n.first_log_index);
    for (const storage::TierChange& c : record.declared()) {
      events.push_back({c.log_index(), false, id, static_cast<uint64_t>(c.tier()), 0});
    }
    for (const storage::PropertyChange& c : record.changes()) {  // In log order.
      if (c.key() == kOwnerProperty) index->AddOwner(id, c.value().value(), c.log_index());
      index->Applied(c.log_index());
    }
    return true;
  }));
  RETURN_IF_ERROR(bad);
  RETURN_IF_ERROR(store.ScanAllEdges(db, [&](uint64_t from, const StoredEdge& e) {
    if (from >= next || e.other >= next) {
      bad = absl::DataLossError(
          absl::StrCat("graph edge ", from, " -> ", e.other, " names a node beyond ", next));
      return false;
    }
    index->nodes_[from].out.push_back({static_cast<uint32_t>(e.other), e.kind, e.log_index});
    index->nodes_[e.other].in.push_back({static_cast<uint32_t>(from), e.kind, e.log_index});
    if (e.kind == v1::EDGE_KIND_SAME_AS) {
      index->nodes_[from].same_as_out = index->nodes_[e.other].same_as_in = true;
    }
    ++index->edges_;
    index->Applied(e.log_index);
    events.push_back({e.log_index, true, from, e.other, e.kind});
    return true;
  }));
  RETURN_IF_ERROR(bad);
  // Edges came in (from, kind, to) order: out-lists are in order already.
  for (size_t id = 0; id < index->nodes_.size(); ++id) {
    Node& n = index->nodes_[id];
    std::sort(n.in.begin(), n.in.end(), EdgeBefore);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& x, const Event& y) { return x.log_index < y.log_index; });
  for (const Event& ev : events) {
    if (ev.is_edge) {
      index->EdgeRaises(ev.a, ev.kind, ev.b, ev.log_index);
    } else {
      index->nodes_[ev.a].declared.push_back({ev.log_index, static_cast<uint8_t>(ev.b)});
      index->Raise(ev.a, static_cast<uint8_t>(ev.b), ev.log_index);
    }
    index->Applied(ev.log_index);
  }
  index->InstallCompact(
      index->BuildCompact(index->applied_size_, index->nodes_.size(), /*yield_lock=*/false));
  if (options.refresh_compact) {
    index->refresher_ = std::make_unique<WorkerPool>(1, options.refresh_nice);
  }
  return index;
}

}  // namespace lineage
