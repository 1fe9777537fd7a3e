#include "server/graph/lineage_queries.h"

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/graph/node_builder.h"
#include "server/graph/node_record.h"
#include "server/graph/traversal.h"
#include "server/ledger/log_reader.h"
#include "server/ledger/proto_time.h"

namespace lineage {

struct LineageQueries::Snapshot {
  uint64_t size = 0;
  v1::SignedCheckpoint checkpoint;
};

namespace {

constexpr uint64_t kDefaultLimit = 100000;
constexpr uint64_t kMaxLimit = 10000000;
constexpr uint32_t kDefaultPage = 10000;
constexpr uint32_t kMaxPage = 100000;
constexpr int kMaxSelectors = 10000;
constexpr uint64_t kMaxSearchScan = 200000;

uint32_t PageSize(uint32_t requested) {
  return requested == 0 ? kDefaultPage : std::min(requested, kMaxPage);
}

absl::Status CheckEnums(v1::NodeView view) {
  if (!v1::NodeView_IsValid(view)) return absl::InvalidArgumentError("view: unknown value");
  return absl::OkStatus();
}

// INVALID_ARGUMENT naming the first value that is not one the API defines
// (proto3 enums are open: unknown numbers parse and must not be used as
// bit positions or tiers).
absl::Status CheckKnown(const google::protobuf::RepeatedField<int>& values, bool (*known)(int),
                        absl::string_view field, absl::string_view want) {
  for (int i = 0; i < values.size(); ++i) {
    if (!known(values[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: got ", values[i], ", want ", want));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTier(v1::Classification tier, absl::string_view field) {
  if (!v1::Classification_IsValid(tier)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": got ", tier, ", want a lineage.v1.Classification value"));
  }
  return absl::OkStatus();
}

v1::NodeView Level(v1::NodeView view) {
  return view == v1::NODE_VIEW_UNSPECIFIED ? v1::NODE_VIEW_BASIC : view;
}

// The page form a Traverse or DeletionImpact request asks for; columns hold
// the ID view only.
absl::StatusOr<AnswerForm> FormOf(v1::AnswerLayout layout, v1::NodeView view, uint32_t page_size) {
  if (!v1::AnswerLayout_IsValid(layout)) {
    return absl::InvalidArgumentError(
        absl::StrCat("layout: got ", layout, ", want a lineage.v1.AnswerLayout value"));
  }
  AnswerForm form;
  form.page_size = PageSize(page_size);
  form.columns = layout == v1::ANSWER_LAYOUT_COLUMNS;
  form.level = Level(view);
  if (form.columns) {
    if (view != v1::NODE_VIEW_UNSPECIFIED && view != v1::NODE_VIEW_ID) {
      return absl::InvalidArgumentError(absl::StrCat(
          "view: ANSWER_LAYOUT_COLUMNS holds node IDs, kinds and depths only; got ",
          v1::NodeView_Name(view), ", want NODE_VIEW_ID or no view (or ANSWER_LAYOUT_MESSAGES)"));
    }
    form.level = v1::NODE_VIEW_ID;
  }
  return form;
}

KindSet DataFlowEdges() {
  KindSet set;
  set.Add(v1::EDGE_KIND_INPUT_TO);
  set.Add(v1::EDGE_KIND_PRODUCED);
  set.Add(v1::EDGE_KIND_SERVES);
  set.Add(v1::EDGE_KIND_SAME_AS);
  return set;
}

absl::StatusOr<std::vector<uint64_t>> ResolveAll(
    const GraphStore& store, GraphView& view,
    const google::protobuf::RepeatedPtrField<v1::NodeSelector>& selectors,
    absl::string_view field) {
  if (selectors.size() > kMaxSelectors) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": got ", selectors.size(), " selectors, max ", kMaxSelectors));
  }
  std::vector<uint64_t> ids;
  for (int i = 0; i < selectors.size(); ++i) {
    ASSIGN_OR_RETURN(std::vector<uint64_t> found,
                     ResolveSelector(store, view, selectors[i], absl::StrCat(field, "[", i, "]")));
    ids.insert(ids.end(), found.begin(), found.end());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

absl::StatusOr<uint64_t> LineageQueries::ResolveAsOf(const v1::AsOf& as_of) const {
  std::shared_ptr<const PublishedCheckpoint> latest = ledger_.LatestCheckpoint();
  if (latest == nullptr) {
    return absl::FailedPreconditionError("the log has no verified checkpoint to answer at");
  }
  switch (as_of.point_case()) {
    case v1::AsOf::kTreeSize:
      if (as_of.tree_size() > latest->checkpoint.size) {
        return absl::InvalidArgumentError(absl::StrCat("as_of.tree_size: got ", as_of.tree_size(),
                                                       ", want at most the latest checkpoint's ",
                                                       latest->checkpoint.size));
      }
      return as_of.tree_size();
    case v1::AsOf::kTime:
      RETURN_IF_ERROR(ValidateProtoTime(as_of.time(), "as_of.time"));
      return ledger_.SizeAtTime(FromProtoTime(as_of.time()));
    default:
      return latest->checkpoint.size;
  }
}

absl::StatusOr<LineageQueries::Snapshot> LineageQueries::At(const v1::AsOf& as_of) const {
  Snapshot snap;
  ASSIGN_OR_RETURN(snap.size, ResolveAsOf(as_of));
  ASSIGN_OR_RETURN(PublishedCheckpoint checkpoint, ledger_.CheckpointAt(snap.size));
  snap.checkpoint = ToProto(checkpoint);
  return snap;
}

absl::StatusOr<std::unique_ptr<PageSource<v1::TraverseResponse>>> LineageQueries::Traverse(
    const v1::TraverseRequest& request, CancelCheck cancelled) const {
  if (request.start_size() == 0)
    return absl::InvalidArgumentError("start: at least one node is needed");
  if (request.direction() != v1::DIRECTION_UPSTREAM &&
      request.direction() != v1::DIRECTION_DOWNSTREAM) {
    return absl::InvalidArgumentError("direction: want DIRECTION_UPSTREAM or DIRECTION_DOWNSTREAM");
  }
  if (request.limit() > kMaxLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit: got ", request.limit(), ", max ", kMaxLimit));
  }
  RETURN_IF_ERROR(CheckEnums(request.view()));
  RETURN_IF_ERROR(CheckKnown(request.node_kinds(), v1::NodeKind_IsValid, "node_kinds",
                             "a lineage.v1.NodeKind value"));
  RETURN_IF_ERROR(CheckKnown(request.edge_kinds(), v1::EdgeKind_IsValid, "edge_kinds",
                             "a lineage.v1.EdgeKind value"));
  for (int i = 0; i < request.stop_at_size(); ++i) {
    if (!v1::NodeKind_IsValid(request.stop_at(i).kind())) {
      return absl::InvalidArgumentError(absl::StrCat("stop_at[", i, "].kind: got ",
                                                     request.stop_at(i).kind(),
                                                     ", want a lineage.v1.NodeKind value"));
    }
  }
  RETURN_IF_ERROR(
      CheckTier(request.min_effective_classification(), "min_effective_classification"));
  ASSIGN_OR_RETURN(const AnswerForm form,
                   FormOf(request.layout(), request.view(), request.page_size()));
  ASSIGN_OR_RETURN(Snapshot snap, At(request.as_of()));
  TraversalSpec spec;
  spec.upstream = request.direction() == v1::DIRECTION_UPSTREAM;
  spec.max_depth = request.max_depth();
  for (int k : request.edge_kinds()) spec.edge_kinds.Add(k);
  for (int k : request.node_kinds()) spec.node_kinds.Add(k);
  for (const v1::NodeMatch& m : request.stop_at()) {
    spec.stop_at.push_back({m.kind(), m.namespace_prefix()});
  }
  spec.limit = request.limit() == 0 ? kDefaultLimit : request.limit();
  spec.min_effective = request.min_effective_classification();
  spec.include_start = request.include_start();
  spec.record_edges = request.include_edges();
  spec.check_cancelled = std::move(cancelled);
  TraversalResult result;
  {
    std::unique_ptr<GraphView> view = MakeView(store_, index_, snap.size);
    ASSIGN_OR_RETURN(spec.start, ResolveAll(store_, *view, request.start(), "start"));
    ASSIGN_OR_RETURN(result, lineage::Traverse(*view, spec));
  }
  return MakeTraversePages(store_, index_, snap.size, std::move(snap.checkpoint), std::move(result),
                           form);
}

absl::StatusOr<v1::TraceResponse> LineageQueries::Trace(const v1::TraceRequest& request,
                                                        CancelCheck cancelled) const {
  if (request.max_paths() > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_paths: got ", request.max_paths(), ", max 10000"));
  }
  RETURN_IF_ERROR(CheckEnums(request.view()));
  RETURN_IF_ERROR(CheckKnown(request.edge_kinds(), v1::EdgeKind_IsValid, "edge_kinds",
                             "a lineage.v1.EdgeKind value"));
  ASSIGN_OR_RETURN(Snapshot snap, At(request.as_of()));
  std::unique_ptr<GraphView> view = MakeView(store_, index_, snap.size);
  ASSIGN_OR_RETURN(std::vector<uint64_t> targets,
                   ResolveSelector(store_, *view, request.target(), "target"));
  TraversalSpec spec;
  spec.start = targets;
  spec.upstream = true;
  if (request.edge_kinds_size() == 0) {
    spec.edge_kinds = DataFlowEdges();
  } else {
    for (int k : request.edge_kinds()) spec.edge_kinds.Add(k);
  }
  spec.limit = kMaxLimit;
  spec.include_start = true;
  spec.check_cancelled = std::move(cancelled);
  ASSIGN_OR_RETURN(TraversalResult result, lineage::Traverse(*view, spec));
  if (result.truncated) {
    return absl::ResourceExhaustedError(
        "trace: more than 10,000,000 nodes upstream; narrow the edge kinds or use Traverse");
  }
  // Sources: dataset versions nothing flows into (nor into an equivalent).
  struct Source {
    uint32_t depth;
    uint64_t id;
    uint32_t index;  // Into result.reached.
  };
  std::vector<Source> sources;
  for (uint32_t i : result.returned) {  // All expanded: their kinds are known.
    const Reached& r = result.reached[i];
    if (r.node_kind != v1::NODE_KIND_DATASET_VERSION || r.has_next) continue;
    bool equivalent_has_upstream = false;
    for (bool outgoing : {true, false}) {
      RETURN_IF_ERROR(
          view->ForEachSameAs(r.id, outgoing, [&](uint64_t other, v1::EdgeKind kind, uint64_t) {
            if (kind == v1::EDGE_KIND_SAME_AS && result.HasNext(other)) {
              equivalent_has_upstream = true;
            }
          }));
    }
    if (!equivalent_has_upstream) sources.push_back({r.depth, r.id, i});
  }
  std::sort(sources.begin(), sources.end(), [](const Source& a, const Source& b) {
    return std::tie(a.depth, a.id) < std::tie(b.depth, b.id);
  });
  const size_t max_paths = request.max_paths() == 0 ? 100 : request.max_paths();
  v1::TraceResponse out;
  out.set_sources(sources.size());
  out.set_truncated(sources.size() > max_paths);
  absl::flat_hash_map<uint64_t, uint32_t> on_paths;  // Node ID -> depth.
  for (size_t i = 0; i < std::min(max_paths, sources.size()); ++i) {
    const std::vector<uint32_t> path = PathToStart(result, sources[i].index);  // Source first.
    v1::LineagePath* p = out.add_paths();
    for (size_t j = 0; j < path.size(); ++j) {
      const Reached& r = result.reached[path[j]];
      p->add_node_ids(r.id);
      on_paths[r.id] = r.depth;
      if (j + 1 < path.size()) {
        // r was reached from path[j + 1]; report the edge as stored (a
        // SAME_AS edge may have been followed against its direction).
        const uint64_t pred = result.reached[path[j + 1]].id;
        ASSIGN_OR_RETURN(const uint64_t log_index, ReachingLogIndex(*view, result, path[j]));
        const v1::EdgeKind kind = static_cast<v1::EdgeKind>(r.edge_kind);
        *p->add_edges() = r.pred_is_from ? ToEdge(pred, r.id, kind, log_index)
                                         : ToEdge(r.id, pred, kind, log_index);
      }
    }
  }
  const v1::NodeView level = Level(request.view());
  for (uint64_t id : targets) {
    ASSIGN_OR_RETURN(*out.mutable_target(), BuildNode(store_, *view, id, 0, level));
    break;
  }
  std::vector<std::pair<uint64_t, uint32_t>> ids(on_paths.begin(), on_paths.end());
  std::sort(ids.begin(), ids.end());
  for (const auto& [id, depth] : ids) {
    ASSIGN_OR_RETURN(*out.add_nodes(), BuildNode(store_, *view, id, depth, level));
  }
  *out.mutable_checkpoint() = std::move(snap.checkpoint);
  return out;
}

absl::StatusOr<std::unique_ptr<PageSource<v1::DeletionImpactResponse>>>
LineageQueries::DeletionImpact(const v1::DeletionImpactRequest& request,
                               CancelCheck cancelled) const {
  if (request.subject_tokens_size() == 0 && request.sources_size() == 0) {
    return absl::InvalidArgumentError("give subject_tokens, sources, or both");
  }
  if (request.subject_tokens_size() > kMaxSelectors) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject_tokens: got ", request.subject_tokens_size(), ", max ", kMaxSelectors));
  }
  RETURN_IF_ERROR(CheckEnums(request.view()));
  if (!v1::WitnessForm_IsValid(request.witness())) {
    return absl::InvalidArgumentError(
        absl::StrCat("witness: got ", request.witness(), ", want a lineage.v1.WitnessForm value"));
  }
  ASSIGN_OR_RETURN(AnswerForm form, FormOf(request.layout(), request.view(), request.page_size()));
  if (form.columns && request.witness() == v1::WITNESS_FORM_FULL_PATH) {
    return absl::InvalidArgumentError(
        "witness: ANSWER_LAYOUT_COLUMNS holds witness predecessors only; got "
        "WITNESS_FORM_FULL_PATH, want WITNESS_FORM_PREDECESSOR or no witness form (or "
        "ANSWER_LAYOUT_MESSAGES)");
  }
  form.full_paths = !form.columns && request.witness() != v1::WITNESS_FORM_PREDECESSOR;
  ASSIGN_OR_RETURN(Snapshot snap, At(request.as_of()));
  std::vector<uint64_t> sources;
  TraversalResult result;
  {
    std::unique_ptr<GraphView> view = MakeView(store_, index_, snap.size);
    for (const std::string& token : request.subject_tokens()) {
      RETURN_IF_ERROR(
          store_.ScanSubject(store_.database(), token, [&](uint64_t id, uint64_t index) {
            if (index < snap.size) sources.push_back(id);
            return true;
          }));
    }
    ASSIGN_OR_RETURN(std::vector<uint64_t> selected,
                     ResolveAll(store_, *view, request.sources(), "sources"));
    for (uint64_t id : selected) {
      ASSIGN_OR_RETURN(NodeInfo info, view->Info(id));
      if (info.kind == v1::NODE_KIND_DATASET) {
        RETURN_IF_ERROR(
            view->ForEachEdge(id, true, [&](uint64_t other, v1::EdgeKind kind, uint64_t) {
              if (kind == v1::EDGE_KIND_HAS_VERSION) sources.push_back(other);
            }));
      } else if (info.kind == v1::NODE_KIND_DATASET_VERSION) {
        sources.push_back(id);
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("sources: node ", id, " is a ", v1::NodeKind_Name(info.kind),
                         "; deletion impact starts from datasets or dataset versions"));
      }
    }
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    if (!sources.empty()) {
      TraversalSpec spec;
      spec.start = sources;
      spec.upstream = false;
      spec.edge_kinds = DataFlowEdges();
      spec.limit = kMaxLimit;
      spec.check_cancelled = std::move(cancelled);
      ASSIGN_OR_RETURN(result, lineage::Traverse(*view, spec));
      if (result.truncated) {
        return absl::ResourceExhaustedError(
            "deletion impact: more than 10,000,000 nodes downstream, the server's limit for one "
            "answer; split the request by source");
      }
    }
  }
  return MakeImpactPages(store_, index_, snap.size, std::move(snap.checkpoint), std::move(sources),
                         std::move(result), form);
}

absl::StatusOr<v1::SearchNodesResponse> LineageQueries::SearchNodes(
    const v1::SearchNodesRequest& request, CancelCheck cancelled) const {
  if (request.page_size() > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: got ", request.page_size(), ", max 10000"));
  }
  if (!v1::NodeKind_IsValid(request.kind()))
    return absl::InvalidArgumentError("kind: unknown value");
  RETURN_IF_ERROR(CheckEnums(request.view()));
  RETURN_IF_ERROR(CheckTier(request.min_classification(), "min_classification"));
  RETURN_IF_ERROR(
      CheckTier(request.min_effective_classification(), "min_effective_classification"));
  std::string start_after;
  if (!request.page_token().empty() &&
      !absl::WebSafeBase64Unescape(request.page_token(), &start_after)) {
    return absl::InvalidArgumentError("page_token: not a token from a previous response");
  }
  ASSIGN_OR_RETURN(Snapshot snap, At(request.as_of()));
  std::unique_ptr<GraphView> view = MakeView(store_, index_, snap.size);
  const size_t page_size = request.page_size() == 0 ? 100 : request.page_size();
  const bool needs_record = !request.attributes().empty() || request.has_first_seen_after() ||
                            request.has_first_seen_before();
  v1::SearchNodesResponse out;
  std::string last_key;
  uint64_t scanned = 0;
  bool more = false;
  absl::Status error = absl::OkStatus();
  const int first_kind = request.kind() != v1::NODE_KIND_UNSPECIFIED
                             ? request.kind()
                             : (start_after.empty() ? 1 : static_cast<uint8_t>(start_after[0]));
  const int last_kind = request.kind() != v1::NODE_KIND_UNSPECIFIED ? request.kind() : 7;
  for (int kind = first_kind; kind <= last_kind && !more && error.ok(); ++kind) {
    const std::string after =
        !start_after.empty() && static_cast<uint8_t>(start_after[0]) == kind ? start_after : "";
    RETURN_IF_ERROR(store_.ScanSearch(
        store_.database(), static_cast<uint8_t>(kind), request.namespace_(), request.name_prefix(),
        after, [&](absl::string_view key, uint64_t id) {
          if (static_cast<size_t>(out.nodes_size()) >= page_size || scanned >= kMaxSearchScan) {
            more = true;
            return false;
          }
          ++scanned;
          last_key = std::string(key);
          if (scanned % 4096 == 0 && cancelled) {
            error = cancelled();
            if (!error.ok()) return false;
          }
          if (!view->Exists(id)) return true;
          absl::StatusOr<NodeInfo> info = view->Info(id);
          if (!info.ok()) {
            error = info.status();
            return false;
          }
          if (info->declared < request.min_classification()) return true;
          if (request.min_effective_classification() != v1::CLASSIFICATION_UNSPECIFIED) {
            absl::StatusOr<v1::Classification> effective = view->Effective(id);
            if (!effective.ok()) {
              error = effective.status();
              return false;
            }
            if (*effective < request.min_effective_classification()) return true;
          }
          if (needs_record) {
            absl::StatusOr<storage::GraphNodeRecord> record = ReadNodeRecord(store_, id);
            if (!record.ok()) {
              error = record.status();
              return false;
            }
            const int64_t first_seen = record->first_seen_micros();
            if (request.has_first_seen_after() &&
                first_seen < absl::ToUnixMicros(FromProtoTime(request.first_seen_after()))) {
              return true;
            }
            if (request.has_first_seen_before() &&
                first_seen >= absl::ToUnixMicros(FromProtoTime(request.first_seen_before()))) {
              return true;
            }
            const v1::NodeProperties props = PropertiesAt(*record, snap.size);
            for (const auto& [k, want] : request.attributes()) {
              const std::string got = k == "owner"                  ? props.owner()
                                      : k == "region"               ? props.region()
                                      : k == "environment"          ? props.environment()
                                      : k == "location"             ? props.location()
                                      : props.attributes().count(k) ? props.attributes().at(k)
                                                                    : std::string();
              if (got != want) return true;
            }
          }
          absl::StatusOr<v1::Node> node = BuildNode(store_, *view, id, 0, Level(request.view()));
          if (!node.ok()) {
            error = node.status();
            return false;
          }
          *out.add_nodes() = *std::move(node);
          return true;
        }));
  }
  RETURN_IF_ERROR(error);
  if (more) out.set_next_page_token(absl::WebSafeBase64Escape(last_key));
  *out.mutable_checkpoint() = std::move(snap.checkpoint);
  return out;
}

absl::StatusOr<v1::GetNodeResponse> LineageQueries::GetNode(
    const v1::GetNodeRequest& request) const {
  ASSIGN_OR_RETURN(Snapshot snap, At(request.as_of()));
  std::unique_ptr<GraphView> view = MakeView(store_, index_, snap.size);
  ASSIGN_OR_RETURN(std::vector<uint64_t> ids,
                   ResolveSelector(store_, *view, request.node(), "node"));
  v1::GetNodeResponse out;
  for (uint64_t id : ids) {
    ASSIGN_OR_RETURN(*out.add_nodes(), BuildNode(store_, *view, id, 0, v1::NODE_VIEW_FULL));
  }
  *out.mutable_checkpoint() = std::move(snap.checkpoint);
  return out;
}

v1::GraphStatus LineageQueries::Status() const {
  v1::GraphStatus status;
  status.set_in_memory(index_ != nullptr);
  if (index_ == nullptr) return status;
  const GraphIndex::Stats stats = index_->stats();
  status.set_nodes(stats.nodes);
  status.set_edges(stats.edges);
  status.set_compact_tree_size(stats.compact.size);
  status.set_compact_nodes(stats.compact.nodes);
  status.set_compact_edges(stats.compact.edges);
  status.set_compact_dirty_nodes(stats.compact.dirty);
  status.set_compact_bytes(stats.compact.bytes);
  status.set_compact_rebuilds(stats.compact.rebuilds);
  return status;
}

}  // namespace lineage
