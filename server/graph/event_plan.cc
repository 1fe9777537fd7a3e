#include "server/graph/event_plan.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "server/ledger/event_validator.h"

namespace lineage {
namespace {

std::string Micros(const google::protobuf::Timestamp& t) {
  return absl::StrCat(t.seconds() * 1000000 + t.nanos() / 1000);
}

void AddProperty(NodeMention& n, absl::string_view key, const std::string& value) {
  if (!value.empty()) n.properties.emplace_back(std::string(key), value);
}

void AddAttributes(NodeMention& n, const google::protobuf::Map<std::string, std::string>& attrs) {
  // Sorted, so the plan (and the stored history) does not depend on map order.
  std::vector<std::pair<std::string, std::string>> sorted(attrs.begin(), attrs.end());
  std::sort(sorted.begin(), sorted.end());
  for (auto& [k, v] : sorted) n.properties.emplace_back(absl::StrCat("attr:", k), v);
}

class Planner {
 public:
  explicit Planner(const v1::LineageEvent& e) : e_(e) {}

  size_t Named(v1::NodeKind kind, absl::string_view ns, const std::string& name) {
    NodeMention n;
    n.kind = kind;
    n.ns = std::string(EffectiveNamespace(ns, e_.namespace_()));
    n.name = name;
    n.natural_key = NamedNodeKey(kind, n.ns, n.name);
    return Add(std::move(n));
  }

  size_t Run(absl::string_view job_ns, const std::string& run_id) {
    NodeMention n;
    n.kind = v1::NODE_KIND_RUN;
    n.ns = std::string(EffectiveNamespace(job_ns, e_.namespace_()));
    n.run_id = run_id;
    n.natural_key = RunKey(n.ns, run_id);
    return Add(std::move(n));
  }

  // A dataset version and its dataset; returns the version.
  size_t Dataset(const v1::DatasetVersion& d) {
    NodeMention v = Version(v1::NODE_KIND_DATASET_VERSION, d.namespace_(), d.name(), d.version(),
                            d.digest());
    v.classification = d.classification();
    AddProperty(v, kOwnerProperty, d.owner());
    AddProperty(v, "location", d.location());
    AddProperty(v, "region", d.region());
    AddAttributes(v, d.attributes());
    v.subject_tokens.assign(d.subject_tokens().begin(), d.subject_tokens().end());
    const size_t version = Add(std::move(v));
    const size_t dataset = Named(v1::NODE_KIND_DATASET, d.namespace_(), d.name());
    Edge(dataset, v1::EDGE_KIND_HAS_VERSION, version);
    return version;
  }

  // A model version and its model; returns the version.
  size_t Model(const v1::ModelVersion& m) {
    NodeMention v = Version(v1::NODE_KIND_MODEL_VERSION, m.namespace_(), m.name(), m.version(),
                            m.artifact_digest());
    AddProperty(v, kOwnerProperty, m.owner());
    AddAttributes(v, m.attributes());
    const size_t version = Add(std::move(v));
    const size_t model = Named(v1::NODE_KIND_MODEL, m.namespace_(), m.name());
    Edge(model, v1::EDGE_KIND_HAS_VERSION, version);
    return version;
  }

  void Edge(size_t from, v1::EdgeKind kind, size_t to) { plan_.edges.push_back({from, kind, to}); }

  NodeMention& node(size_t i) { return plan_.nodes[i]; }
  EventPlan& plan() { return plan_; }

 private:
  NodeMention Version(v1::NodeKind kind, absl::string_view ns, const std::string& name,
                      const std::string& version, const std::string& digest) {
    NodeMention n;
    n.kind = kind;
    n.is_version = true;
    n.ns = std::string(EffectiveNamespace(ns, e_.namespace_()));
    n.name = name;
    n.version = version;
    n.digest = digest;
    n.natural_key = digest.empty() ? VersionKeyByName(kind, n.ns, name, version)
                                   : VersionKeyByDigest(kind, digest);
    return n;
  }

  size_t Add(NodeMention n) {
    plan_.nodes.push_back(std::move(n));
    return plan_.nodes.size() - 1;
  }

  const v1::LineageEvent& e_;
  EventPlan plan_;
};

}  // namespace

std::string NamedNodeKey(v1::NodeKind kind, absl::string_view ns, absl::string_view name) {
  return absl::StrCat(std::string(1, static_cast<char>(kind)), ns, std::string(1, '\0'), name);
}

std::string RunKey(absl::string_view job_ns, absl::string_view run_id) {
  return NamedNodeKey(v1::NODE_KIND_RUN, job_ns, run_id);
}

std::string VersionKeyByDigest(v1::NodeKind kind, absl::string_view digest) {
  return absl::StrCat(std::string(1, static_cast<char>(kind)), "d", digest);
}

std::string VersionKeyByName(v1::NodeKind kind, absl::string_view ns, absl::string_view name,
                             absl::string_view version) {
  const std::string zero(1, '\0');
  return absl::StrCat(std::string(1, static_cast<char>(kind)), "n", ns, zero, name, zero, version);
}

EventPlan PlanEvent(const v1::LineageEvent& e, uint64_t integration_time_micros) {
  Planner p(e);
  p.plan().event_id = e.event_id();
  p.plan().event_time_micros =
      e.has_event_time() ? e.event_time().seconds() * 1000000 + e.event_time().nanos() / 1000
                         : static_cast<int64_t>(integration_time_micros);
  const v1::EventType type = e.event_type();
  p.plan().terminal = type == v1::EVENT_TYPE_COMPLETE || type == v1::EVENT_TYPE_FAIL ||
                      type == v1::EVENT_TYPE_ABORT;

  std::optional<size_t> job;
  if (e.has_job()) {
    job = p.Named(v1::NODE_KIND_JOB, e.job().namespace_(), e.job().name());
    AddProperty(p.node(*job), "code_version", e.job().code_version());
    AddProperty(p.node(*job), "image_digest", e.job().image_digest());
    AddAttributes(p.node(*job), e.job().attributes());
  }
  if (e.has_run()) {
    const v1::Run& r = e.run();
    const size_t run = p.Run(e.has_job() ? e.job().namespace_() : "", r.run_id());
    NodeMention& n = p.node(run);
    n.name = e.has_job() ? e.job().name() : "";
    if (r.kind() != v1::RUN_KIND_UNSPECIFIED) AddProperty(n, "run_kind", absl::StrCat(r.kind()));
    v1::RunState state = v1::RUN_STATE_UNSPECIFIED;
    switch (type) {
      case v1::EVENT_TYPE_START:
      case v1::EVENT_TYPE_RUNNING:
        state = v1::RUN_STATE_STARTED;
        break;
      case v1::EVENT_TYPE_COMPLETE:
        state = v1::RUN_STATE_COMPLETED;
        break;
      case v1::EVENT_TYPE_FAIL:
        state = v1::RUN_STATE_FAILED;
        break;
      case v1::EVENT_TYPE_ABORT:
        state = v1::RUN_STATE_ABORTED;
        break;
      default:
        break;
    }
    if (state != v1::RUN_STATE_UNSPECIFIED) AddProperty(n, "run_state", absl::StrCat(state));
    if (r.has_start_time()) AddProperty(n, "start_time", Micros(r.start_time()));
    if (r.has_end_time()) AddProperty(n, "end_time", Micros(r.end_time()));
    if (e.has_job()) {
      AddProperty(n, "code_version", e.job().code_version());
      AddProperty(n, "image_digest", e.job().image_digest());
    }
    AddAttributes(n, r.attributes());
    if (job) p.Edge(*job, v1::EDGE_KIND_EXECUTES, run);
    if (r.has_parent()) {
      const size_t parent = p.Run(r.parent().job_namespace(), r.parent().run_id());
      p.node(parent).name = r.parent().job_name();
      p.Edge(parent, v1::EDGE_KIND_PARENT_OF, run);
      if (!r.parent().job_name().empty()) {
        const size_t parent_job =
            p.Named(v1::NODE_KIND_JOB, r.parent().job_namespace(), r.parent().job_name());
        p.Edge(parent_job, v1::EDGE_KIND_EXECUTES, parent);
      }
    }
    for (const v1::Input& in : e.inputs()) {
      const size_t v = in.has_dataset() ? p.Dataset(in.dataset()) : p.Model(in.model());
      p.Edge(v, v1::EDGE_KIND_INPUT_TO, run);
    }
    for (const v1::Output& out : e.outputs()) {
      const size_t v = out.has_dataset() ? p.Dataset(out.dataset()) : p.Model(out.model());
      p.Edge(run, v1::EDGE_KIND_PRODUCED, v);
    }
  }
  for (const v1::DatasetVersion& d : e.datasets()) p.Dataset(d);
  for (const v1::ModelVersion& m : e.models()) p.Model(m);
  for (const v1::Deployment& d : e.deployments()) {
    const size_t deployment = p.Named(v1::NODE_KIND_DEPLOYMENT, d.namespace_(), d.name());
    NodeMention& n = p.node(deployment);
    AddProperty(n, "endpoint", d.endpoint());
    AddProperty(n, "environment", d.environment());
    AddProperty(n, "region", d.region());
    AddAttributes(n, d.attributes());
    const size_t model = p.Model(d.model());
    p.Edge(model, v1::EDGE_KIND_SERVES, deployment);
  }
  return std::move(p.plan());
}

}  // namespace lineage
