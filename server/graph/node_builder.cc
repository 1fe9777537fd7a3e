#include "server/graph/node_builder.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/graph/event_plan.h"
#include "server/graph/node_record.h"

namespace lineage {
namespace {

std::string Describe(const v1::NodeSelector& s) {
  std::string kind = v1::NodeKind_Name(s.kind());
  if (!s.digest().empty()) return absl::StrCat(kind, " with digest ", s.digest());
  if (s.kind() == v1::NODE_KIND_RUN) return absl::StrCat(kind, " ", s.namespace_(), "/", s.run_id());
  std::string out = absl::StrCat(kind, " \"", s.namespace_(), "\" \"", s.name(), "\"");
  if (s.kind() == v1::NODE_KIND_DATASET_VERSION || s.kind() == v1::NODE_KIND_MODEL_VERSION) {
    absl::StrAppend(&out, " version \"", s.version(), "\"");
  }
  return out;
}

}  // namespace

absl::StatusOr<storage::GraphNodeRecord> ReadNodeRecord(const GraphStore& store, uint64_t id) {
  ASSIGN_OR_RETURN(std::string bytes, store.ReadNode(store.database(), id));
  storage::GraphNodeRecord record;
  if (!record.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("graph node ", id, " record does not parse"));
  }
  return record;
}

absl::StatusOr<v1::Node> BuildNode(const GraphStore& store, GraphView& view, uint64_t id,
                                   uint32_t depth, v1::NodeView level) {
  ASSIGN_OR_RETURN(NodeInfo info, view.Info(id));
  v1::Node node;
  node.set_node_id(id);
  node.set_kind(info.kind);
  node.set_depth(depth);
  if (level == v1::NODE_VIEW_ID) return node;
  ASSIGN_OR_RETURN(storage::GraphNodeRecord record, ReadNodeRecord(store, id));
  node.set_namespace_(record.namespace_());
  node.set_name(NameAt(record, view.snapshot()));
  node.set_version(record.version());
  node.set_digest(record.digest());
  node.set_run_id(record.run_id());
  node.set_classification(info.declared);
  ASSIGN_OR_RETURN(v1::Classification effective, view.Effective(id));
  node.set_effective_classification(effective);
  node.set_first_log_index(record.first_log_index());
  if (level == v1::NODE_VIEW_FULL) *node.mutable_properties() = PropertiesAt(record, view.snapshot());
  return node;
}

absl::StatusOr<std::vector<uint64_t>> ResolveSelector(const GraphStore& store, GraphView& view,
                                                      const v1::NodeSelector& s,
                                                      absl::string_view field) {
  const KvReader& db = store.database();
  std::vector<uint64_t> ids;
  auto not_found = [&](std::string what) {
    return absl::NotFoundError(absl::StrCat(field, ": ", what, " does not exist at tree size ",
                                            view.snapshot()));
  };
  if (s.node_id() != 0) {
    if (!view.Exists(s.node_id())) return not_found(absl::StrCat("node ", s.node_id()));
    return std::vector<uint64_t>{s.node_id()};
  }
  if (s.kind() == v1::NODE_KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": give node_id, or kind with the node's natural key"));
  }
  absl::StatusOr<uint64_t> found = absl::NotFoundError("");
  switch (s.kind()) {
    case v1::NODE_KIND_DATASET:
    case v1::NODE_KIND_JOB:
    case v1::NODE_KIND_MODEL:
    case v1::NODE_KIND_DEPLOYMENT:
      if (s.namespace_().empty() || s.name().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": a ", v1::NodeKind_Name(s.kind()), " needs namespace and name"));
      }
      found = store.FindNode(db, NamedNodeKey(s.kind(), s.namespace_(), s.name()));
      break;
    case v1::NODE_KIND_RUN:
      if (s.namespace_().empty() || s.run_id().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": a run needs run_id and namespace (its job's namespace)"));
      }
      found = store.FindNode(db, RunKey(s.namespace_(), s.run_id()));
      break;
    case v1::NODE_KIND_DATASET_VERSION:
    case v1::NODE_KIND_MODEL_VERSION:
      if (!s.digest().empty()) {
        found = store.FindNode(db, VersionKeyByDigest(s.kind(), s.digest()));
        break;
      }
      if (s.namespace_().empty() || s.name().empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ": a version needs a digest, or namespace, name and version"));
      }
      RETURN_IF_ERROR(store.ScanNames(db, static_cast<uint8_t>(s.kind()), s.namespace_(), s.name(),
                                      s.version(), [&](uint64_t id, uint64_t log_index) {
                                        if (log_index < view.snapshot() && view.Exists(id)) {
                                          ids.push_back(id);
                                        }
                                        return true;
                                      }));
      if (ids.empty()) return not_found(Describe(s));
      return ids;
    default:
      return absl::InvalidArgumentError(absl::StrCat(field, ".kind: unknown node kind ", s.kind()));
  }
  if (absl::IsNotFound(found.status())) return not_found(Describe(s));
  if (!found.ok()) return found.status();
  if (!view.Exists(*found)) return not_found(Describe(s));
  return std::vector<uint64_t>{*found};
}

}  // namespace lineage
