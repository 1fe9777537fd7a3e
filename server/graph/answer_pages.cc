#include "server/graph/answer_pages.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "common/status_macros.h"
#include "server/graph/node_builder.h"

namespace lineage {

std::unique_ptr<GraphView> MakeView(const GraphStore& store, const GraphIndex* index,
                                    uint64_t size) {
  if (index != nullptr) return std::make_unique<MemoryGraphView>(*index, size);
  return std::make_unique<StoredGraphView>(store, size);
}

v1::Edge ToEdge(uint64_t from, uint64_t to, v1::EdgeKind kind, uint64_t log_index) {
  v1::Edge e;
  e.set_from_node_id(from);
  e.set_to_node_id(to);
  e.set_kind(kind);
  e.set_log_index(log_index);
  return e;
}

namespace {

// Sets `node` to reached node `r` of a traversal's answer. The ID view
// needs nothing the traversal did not already read, so it skips the view
// (and the index's memory, which is far larger than the caches) and is
// written in place.
absl::Status AnswerNode(const GraphStore& store, GraphView& view, const Reached& r,
                        v1::NodeView level, v1::Node& node) {
  const v1::NodeKind kind = static_cast<v1::NodeKind>(r.node_kind);
  if (level != v1::NODE_VIEW_ID || kind == v1::NODE_KIND_UNSPECIFIED) {
    ASSIGN_OR_RETURN(node, BuildNode(store, view, r.id, r.depth, level));
    return absl::OkStatus();
  }
  node.set_node_id(r.id);
  node.set_kind(kind);
  node.set_depth(r.depth);
  return absl::OkStatus();
}

// A reached node's kind: from the traversal when it expanded the node
// (every returned node), else from the view.
absl::StatusOr<v1::NodeKind> KindOf(GraphView& view, const Reached& r) {
  if (r.node_kind != v1::NODE_KIND_UNSPECIFIED) return static_cast<v1::NodeKind>(r.node_kind);
  ASSIGN_OR_RETURN(NodeInfo info, view.Info(r.id));
  return info.kind;
}

// Appends reached node `r` to `columns`.
absl::Status AnswerColumn(GraphView& view, const Reached& r, v1::NodeColumns& columns) {
  ASSIGN_OR_RETURN(const v1::NodeKind kind, KindOf(view, r));
  columns.add_node_ids(r.id);
  columns.add_kinds(kind);
  columns.add_depths(r.depth);
  return absl::OkStatus();
}

// Adds node `id`'s namespace to `namespaces` (if it has one and the set
// holds fewer than `max`).
absl::Status AddNamespaceOf(GraphView& view, uint64_t id, std::set<std::string>& namespaces,
                            size_t max) {
  if (namespaces.size() >= max) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string ns, view.Namespace(id));
  if (!ns.empty()) namespaces.insert(std::move(ns));
  return absl::OkStatus();
}

void ReserveColumns(v1::NodeColumns& columns, size_t n) {
  columns.mutable_node_ids()->Reserve(static_cast<int>(n));
  columns.mutable_kinds()->Reserve(static_cast<int>(n));
  columns.mutable_depths()->Reserve(static_cast<int>(n));
}

class TraversePages : public PageSource<v1::TraverseResponse> {
 public:
  TraversePages(const GraphStore& store, const GraphIndex* index, uint64_t size,
                v1::SignedCheckpoint checkpoint, TraversalResult result, AnswerForm form)
      : store_(store),
        index_(index),
        size_(size),
        checkpoint_(std::move(checkpoint)),
        result_(std::move(result)),
        form_(form) {}

  absl::Status Next(v1::TraverseResponse& page) override {
    if (first_) *page.mutable_checkpoint() = checkpoint_;
    first_ = false;
    std::unique_ptr<GraphView> view = MakeView(store_, index_, size_);
    const size_t end = std::min(result_.returned.size(), next_node_ + form_.page_size);
    if (form_.columns) {
      v1::NodeColumns& columns = *page.mutable_columns();
      ReserveColumns(columns, end - next_node_);
      for (; next_node_ < end; ++next_node_) {
        RETURN_IF_ERROR(
            AnswerColumn(*view, result_.reached[result_.returned[next_node_]], columns));
      }
    } else {
      page.mutable_nodes()->Reserve(static_cast<int>(end - next_node_));
      for (; next_node_ < end; ++next_node_) {
        const Reached& r = result_.reached[result_.returned[next_node_]];
        RETURN_IF_ERROR(AnswerNode(store_, *view, r, form_.level, *page.add_nodes()));
      }
    }
    const size_t edge_end = std::min(result_.edges.size(), next_edge_ + form_.page_size);
    for (; next_edge_ < edge_end; ++next_edge_) {
      const VisitedEdge& e = result_.edges[next_edge_];
      *page.add_edges() = ToEdge(e.from, e.to, e.kind, e.log_index);
    }
    if (next_node_ == result_.returned.size() && next_edge_ == result_.edges.size()) {
      page.set_done(true);
      page.set_truncated(result_.truncated);
      page.set_truncation_reason(result_.reason);
      page.set_visited(result_.reached.size());
      page.set_returned(result_.returned.size());
      *page.mutable_checkpoint() = checkpoint_;
    }
    return absl::OkStatus();
  }

  // The returned nodes and both ends of every edge; node messages carry
  // namespaces in every view but ID (and columns are always ID).
  absl::Status NamedNodes(std::vector<uint64_t>& ids, std::set<std::string>& namespaces,
                          size_t max_namespaces) override {
    ids.reserve(ids.size() + result_.returned.size() + 2 * result_.edges.size());
    for (uint32_t i : result_.returned) ids.push_back(result_.reached[i].id);
    for (const VisitedEdge& e : result_.edges) {
      ids.push_back(e.from);
      ids.push_back(e.to);
    }
    if (form_.columns || form_.level == v1::NODE_VIEW_ID) return absl::OkStatus();
    std::unique_ptr<GraphView> view = MakeView(store_, index_, size_);
    for (uint32_t i : result_.returned) {
      if (namespaces.size() >= max_namespaces) break;
      RETURN_IF_ERROR(AddNamespaceOf(*view, result_.reached[i].id, namespaces, max_namespaces));
    }
    return absl::OkStatus();
  }

 private:
  const GraphStore& store_;
  const GraphIndex* index_;
  const uint64_t size_;
  const v1::SignedCheckpoint checkpoint_;
  const TraversalResult result_;
  const AnswerForm form_;
  bool first_ = true;
  size_t next_node_ = 0;
  size_t next_edge_ = 0;
};

// A page's owner_names: each distinct owner once, in order of first use.
// Keys point into the page's own copies, so they outlive the view's.
class OwnerTable {
 public:
  explicit OwnerTable(v1::ImpactColumns& columns) : columns_(columns) {}

  uint32_t PositionOf(absl::string_view owner) {
    // Neighbours in breadth-first order mostly share an owner.
    if (last_ != kNone && owner == columns_.owner_names(static_cast<int>(last_))) return last_;
    auto it = positions_.find(owner);
    if (it == positions_.end()) {
      const uint32_t position = static_cast<uint32_t>(columns_.owner_names_size());
      std::string* name = columns_.add_owner_names();
      name->assign(owner.data(), owner.size());
      it = positions_.emplace(absl::string_view(*name), position).first;
    }
    last_ = it->second;
    return last_;
  }

 private:
  static constexpr uint32_t kNone = ~uint32_t{0};
  v1::ImpactColumns& columns_;
  absl::flat_hash_map<absl::string_view, uint32_t> positions_;
  uint32_t last_ = kNone;
};

// Pages of a deletion impact, grouped by kind within each page.
class ImpactPages : public PageSource<v1::DeletionImpactResponse> {
 public:
  ImpactPages(const GraphStore& store, const GraphIndex* index, uint64_t size,
              v1::SignedCheckpoint checkpoint, std::vector<uint64_t> sources,
              TraversalResult result, AnswerForm form)
      : store_(store),
        index_(index),
        size_(size),
        checkpoint_(std::move(checkpoint)),
        sources_(std::move(sources)),
        result_(std::move(result)),
        form_(form) {
    // Impacted: everything reached downstream except the sources and the
    // versions equivalent to them (depth 0).
    for (uint32_t i : result_.returned) {
      if (result_.reached[i].depth > 0) impacted_.push_back(i);
    }
  }

  absl::Status Next(v1::DeletionImpactResponse& page) override {
    std::unique_ptr<GraphView> view = MakeView(store_, index_, size_);
    if (first_) {
      *page.mutable_checkpoint() = checkpoint_;
      for (uint64_t id : sources_) {
        ASSIGN_OR_RETURN(*page.add_sources(), BuildNode(store_, *view, id, 0, form_.level));
      }
      first_ = false;
    }
    const size_t end = std::min(impacted_.size(), next_ + form_.page_size);
    if (form_.columns) {
      RETURN_IF_ERROR(AddColumns(*view, end, *page.mutable_impacted()));
    }
    // Witness paths of this page's nodes, by node: a node's path is its
    // predecessor's plus itself, so most are a copy rather than a walk.
    // By index into result_.reached.
    absl::flat_hash_map<uint32_t, const google::protobuf::RepeatedField<uint64_t>*> witnesses;
    for (; next_ < end; ++next_) {
      PrefetchAhead(*view, end);
      const uint32_t index = impacted_[next_];
      const Reached& r = result_.reached[index];
      ASSIGN_OR_RETURN(const v1::NodeKind kind, KindOf(*view, r));
      const int group = GroupOf(kind);
      if (group < 0) continue;  // Data flow edges only reach the four groups.
      ++totals_[group];
      v1::ImpactedNode* impacted = group == 0   ? page.add_dataset_versions()
                                   : group == 1 ? page.add_runs()
                                   : group == 2 ? page.add_model_versions()
                                                : page.add_deployments();
      RETURN_IF_ERROR(AnswerNode(store_, *view, r, form_.level, *impacted->mutable_node()));
      ASSIGN_OR_RETURN(const absl::string_view owner, view->Owner(r.id));
      impacted->set_owner(owner.data(), owner.size());
      impacted->set_witness_predecessor(result_.reached[r.pred].id);  // Depth > 0: r.pred is set.
      if (!form_.full_paths) {
        impacted->set_source_node_id(result_.reached[SourceOf(index)].id);
        continue;
      }
      google::protobuf::RepeatedField<uint64_t>* witness = impacted->mutable_witness_path();
      auto pred = witnesses.find(r.pred);
      if (pred != witnesses.end()) {
        witness->Reserve(pred->second->size() + 1);
        witness->MergeFrom(*pred->second);
        witness->AddAlreadyReserved(r.id);
      } else {
        const std::vector<uint32_t> path = PathToStart(result_, index);  // The source last.
        witness->Reserve(static_cast<int>(path.size()));
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
          witness->AddAlreadyReserved(result_.reached[*it].id);
        }
      }
      impacted->set_source_node_id(witness->Get(0));
      witnesses[index] = witness;
    }
    if (next_ == impacted_.size()) {
      page.set_done(true);
      page.set_complete(true);
      page.set_total_dataset_versions(totals_[0]);
      page.set_total_runs(totals_[1]);
      page.set_total_model_versions(totals_[2]);
      page.set_total_deployments(totals_[3]);
      *page.mutable_checkpoint() = checkpoint_;
    }
    return absl::OkStatus();
  }

  // The sources, and every impacted node of the four groups with its
  // predecessor and its source, or (full paths) every node of its path;
  // each reached node once. Node messages carry namespaces in every view
  // but ID (and columns are always ID).
  absl::Status NamedNodes(std::vector<uint64_t>& ids, std::set<std::string>& namespaces,
                          size_t max_namespaces) override {
    std::unique_ptr<GraphView> view = MakeView(store_, index_, size_);
    const bool with_namespaces = form_.level != v1::NODE_VIEW_ID;
    ids.reserve(ids.size() + sources_.size() + impacted_.size() + 64);
    for (uint64_t id : sources_) {
      ids.push_back(id);
      if (with_namespaces) RETURN_IF_ERROR(AddNamespaceOf(*view, id, namespaces, max_namespaces));
    }
    // By index into result_.reached: named already. With full paths a
    // node is named only with every node of its path, so a walk back can
    // stop at the first one named.
    std::vector<bool> named(result_.reached.size(), false);
    auto name = [&](uint32_t index) {
      if (named[index]) return;
      named[index] = true;
      ids.push_back(result_.reached[index].id);
    };
    for (uint32_t index : impacted_) {
      const Reached& r = result_.reached[index];
      ASSIGN_OR_RETURN(const v1::NodeKind kind, KindOf(*view, r));
      if (GroupOf(kind) < 0) continue;  // Not answered (see Next).
      if (with_namespaces) RETURN_IF_ERROR(AddNamespaceOf(*view, r.id, namespaces, max_namespaces));
      if (!form_.full_paths) {
        name(index);
        name(r.pred);
        name(SourceOf(index));
        continue;
      }
      for (uint32_t at = index; !named[at];) {
        name(at);
        if (result_.reached[at].pred == Reached::kNoPred) break;
        at = result_.reached[at].pred;
      }
    }
    return absl::OkStatus();
  }

 private:
  const GraphStore& store_;
  const GraphIndex* index_;
  const uint64_t size_;
  const v1::SignedCheckpoint checkpoint_;
  const std::vector<uint64_t> sources_;
  const TraversalResult result_;
  const AnswerForm form_;
  std::vector<uint32_t> impacted_;  // Indexes into result_.reached.
  // By index into result_.reached: the index of the source its witness
  // path starts from (predecessor form), once SourceOf worked it out.
  std::vector<uint32_t> source_of_;
  std::vector<uint32_t> walked_;  // SourceOf's scratch.

  // Appends impacted nodes up to `end` to `columns`, in traversal order,
  // with the kinds, owners, sources and predecessors the messages layout
  // gives them.
  absl::Status AddColumns(GraphView& view, size_t end, v1::ImpactColumns& columns) {
    v1::NodeColumns& nodes = *columns.mutable_nodes();
    const size_t n = end - next_;
    ReserveColumns(nodes, n);
    columns.mutable_owner_indexes()->Reserve(static_cast<int>(n));
    columns.mutable_source_node_ids()->Reserve(static_cast<int>(n));
    columns.mutable_witness_predecessors()->Reserve(static_cast<int>(n));
    OwnerTable owners(columns);
    for (; next_ < end; ++next_) {
      PrefetchAhead(view, end);
      const uint32_t index = impacted_[next_];
      const Reached& r = result_.reached[index];
      ASSIGN_OR_RETURN(const v1::NodeKind kind, KindOf(view, r));
      const int group = GroupOf(kind);
      if (group < 0) continue;  // Data flow edges only reach the four groups.
      ++totals_[group];
      RETURN_IF_ERROR(AnswerColumn(view, r, nodes));
      ASSIGN_OR_RETURN(const absl::string_view owner, view.Owner(r.id));
      columns.add_owner_indexes(owners.PositionOf(owner));
      columns.add_source_node_ids(result_.reached[SourceOf(index)].id);
      columns.add_witness_predecessors(result_.reached[r.pred].id);
    }
    return absl::OkStatus();
  }

  // Owners are one cache miss a node (node IDs are spread over the whole
  // index): ask for the one a few nodes ahead while this one is answered.
  void PrefetchAhead(GraphView& view, size_t end) const {
    constexpr size_t kAhead = 8;
    if (next_ + kAhead < end) view.PrefetchOwner(result_.reached[impacted_[next_ + kAhead]].id);
  }

  // Index of `kind`'s group in totals_, or -1 for kinds outside them.
  static int GroupOf(v1::NodeKind kind) {
    switch (kind) {
      case v1::NODE_KIND_DATASET_VERSION:
        return 0;
      case v1::NODE_KIND_RUN:
        return 1;
      case v1::NODE_KIND_MODEL_VERSION:
        return 2;
      case v1::NODE_KIND_DEPLOYMENT:
        return 3;
      default:
        return -1;
    }
  }

  // The index of the start node `index`'s witness path begins at. Walks
  // predecessors only as far as one whose source is known: nodes come in
  // traversal order, so that is almost always the first step.
  uint32_t SourceOf(uint32_t index) {
    constexpr uint32_t kUnknown = ~uint32_t{0};
    if (source_of_.empty()) source_of_.assign(result_.reached.size(), kUnknown);
    walked_.clear();  // Scratch kept across calls: no allocation a node.
    uint32_t source = index;
    while (true) {
      if (source_of_[source] != kUnknown) {
        source = source_of_[source];
        break;
      }
      const uint32_t pred = result_.reached[source].pred;
      if (pred == Reached::kNoPred || walked_.size() > result_.reached.size()) break;  // A start.
      walked_.push_back(source);
      source = pred;
    }
    for (uint32_t w : walked_) source_of_[w] = source;
    source_of_[source] = source;
    return source;
  }
  bool first_ = true;
  size_t next_ = 0;
  uint64_t totals_[4] = {0, 0, 0, 0};
};

}  // namespace

std::unique_ptr<PageSource<v1::TraverseResponse>> MakeTraversePages(
    const GraphStore& store, const GraphIndex* index, uint64_t size,
    v1::SignedCheckpoint checkpoint, TraversalResult result, AnswerForm form) {
  return std::make_unique<TraversePages>(store, index, size, std::move(checkpoint),
                                         std::move(result), form);
}

std::unique_ptr<PageSource<v1::DeletionImpactResponse>> MakeImpactPages(
    const GraphStore& store, const GraphIndex* index, uint64_t size,
    v1::SignedCheckpoint checkpoint, std::vector<uint64_t> sources, TraversalResult result,
    AnswerForm form) {
  return std::make_unique<ImpactPages>(store, index, size, std::move(checkpoint),
                                       std::move(sources), std::move(result), form);
}

}  // namespace lineage
