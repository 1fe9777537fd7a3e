#include "tests/graph/reference_graph.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace lineage::testing {
namespace {

std::string KindName(v1::NodeKind kind) {
  std::string name = v1::NodeKind_Name(kind);
  return name.substr(std::string("NODE_KIND_").size());
}

std::string NamedKey(v1::NodeKind kind, const std::string& ns, const std::string& name) {
  return absl::StrJoin({KindName(kind), ns, name}, "|");
}

std::string VersionKey(v1::NodeKind kind, const std::string& ns, const std::string& name,
                       const std::string& version, const std::string& digest) {
  if (!digest.empty()) return absl::StrJoin({KindName(kind), std::string("d"), digest}, "|");
  return absl::StrJoin({KindName(kind), std::string("n"), ns, name, version}, "|");
}

const std::string& Or(const std::string& ns, const std::string& fallback) {
  return ns.empty() ? fallback : ns;
}

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

google::protobuf::Timestamp TimeOf(int64_t micros) {
  google::protobuf::Timestamp t;
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  t.set_seconds(seconds);
  t.set_nanos(static_cast<int32_t>(rest * 1000));
  return t;
}

}  // namespace

std::string NaturalKey(const v1::Node& n) {
  switch (n.kind()) {
    case v1::NODE_KIND_DATASET_VERSION:
    case v1::NODE_KIND_MODEL_VERSION:
      return VersionKey(n.kind(), n.namespace_(), n.name(), n.version(), n.digest());
    case v1::NODE_KIND_RUN:
      return NamedKey(n.kind(), n.namespace_(), n.run_id());
    default:
      return NamedKey(n.kind(), n.namespace_(), n.name());
  }
}

std::string ReferenceGraph::Mention(v1::NodeKind kind, const std::string& key,
                                    const std::string& ns, const std::string& name,
                                    uint64_t log_index, int64_t micros) {
  auto [it, inserted] = nodes_.try_emplace(key);
  if (inserted) {
    it->second.kind = kind;
    it->second.ns = ns;
    it->second.first_log_index = log_index;
    it->second.first_seen_micros = micros;
  }
  if (it->second.name.empty()) it->second.name = name;
  return key;
}

std::string ReferenceGraph::Version(v1::NodeKind kind, const std::string& ns,
                                    const std::string& name, const std::string& version,
                                    const std::string& digest, uint64_t log_index, int64_t micros) {
  const std::string key =
      Mention(kind, VersionKey(kind, ns, name, version, digest), ns, name, log_index, micros);
  // Every mention files the version under the name it was reported with.
  const std::string label = absl::StrJoin({KindName(kind), ns, name, version}, "|");
  names_[label].try_emplace(key, log_index);
  return key;
}

void ReferenceGraph::Assert(const std::string& key, const std::string& prop,
                            const std::string& value) {
  if (value.empty()) return;  // proto3: an empty field asserts nothing.
  auto stamp = stamp_;
  if (prop != "run_state") std::get<0>(stamp) = 0;
  auto& slot = nodes_[key].props[prop];
  if (slot.second.empty() || stamp > slot.first) slot = {stamp, value};
}

void ReferenceGraph::Attributes(const std::string& key,
                                const google::protobuf::Map<std::string, std::string>& a) {
  for (const auto& [k, v] : a) Assert(key, "attr:" + k, v);
}

void ReferenceGraph::AddEdge(const std::string& from, v1::EdgeKind kind, const std::string& to,
                             uint64_t index) {
  if (from == to) return;  // A node reading what it writes says nothing about lineage.
  edges_.try_emplace(RefEdge{from, kind, to}, index);
}

void ReferenceGraph::Add(const v1::LineageEvent& e, uint64_t log_index, int64_t micros) {
  effective_.clear();
  const std::string& ens = e.namespace_();
  const v1::EventType type = e.event_type();
  const bool terminal = type == v1::EVENT_TYPE_COMPLETE || type == v1::EVENT_TYPE_FAIL ||
                        type == v1::EVENT_TYPE_ABORT;
  // Terminal run states win over "started" whatever the times (rank first).
  stamp_ = {terminal ? 1 : 0, e.has_event_time() ? Micros(e.event_time()) : micros, e.event_id()};

  auto dataset = [&](const v1::DatasetVersion& d) {
    const std::string& ns = Or(d.namespace_(), ens);
    const std::string v = Version(v1::NODE_KIND_DATASET_VERSION, ns, d.name(), d.version(),
                                  d.digest(), log_index, micros);
    Node& node = nodes_[v];
    node.declared = std::max(node.declared, d.classification());
    node.subject_tokens.insert(d.subject_tokens().begin(), d.subject_tokens().end());
    Assert(v, "owner", d.owner());
    Assert(v, "location", d.location());
    Assert(v, "region", d.region());
    Attributes(v, d.attributes());
    const std::string parent =
        Mention(v1::NODE_KIND_DATASET, NamedKey(v1::NODE_KIND_DATASET, ns, d.name()), ns, d.name(),
                log_index, micros);
    AddEdge(parent, v1::EDGE_KIND_HAS_VERSION, v, log_index);
    return v;
  };
  auto model = [&](const v1::ModelVersion& m) {
    const std::string& ns = Or(m.namespace_(), ens);
    const std::string v = Version(v1::NODE_KIND_MODEL_VERSION, ns, m.name(), m.version(),
                                  m.artifact_digest(), log_index, micros);
    Assert(v, "owner", m.owner());
    Attributes(v, m.attributes());
    const std::string parent =
        Mention(v1::NODE_KIND_MODEL, NamedKey(v1::NODE_KIND_MODEL, ns, m.name()), ns, m.name(),
                log_index, micros);
    AddEdge(parent, v1::EDGE_KIND_HAS_VERSION, v, log_index);
    return v;
  };

  if (e.has_job() && !e.has_run()) {
    const std::string& ns = Or(e.job().namespace_(), ens);
    Mention(v1::NODE_KIND_JOB, NamedKey(v1::NODE_KIND_JOB, ns, e.job().name()), ns, e.job().name(),
            log_index, micros);
  }
  if (e.has_run()) {
    const v1::Job& j = e.job();
    const std::string& jns = Or(j.namespace_(), ens);
    const std::string job = Mention(v1::NODE_KIND_JOB, NamedKey(v1::NODE_KIND_JOB, jns, j.name()),
                                    jns, j.name(), log_index, micros);
    Assert(job, "code_version", j.code_version());
    Assert(job, "image_digest", j.image_digest());
    Attributes(job, j.attributes());
    const v1::Run& r = e.run();
    const std::string run = Mention(v1::NODE_KIND_RUN, NamedKey(v1::NODE_KIND_RUN, jns, r.run_id()),
                                    jns, j.name(), log_index, micros);
    if (r.kind() != v1::RUN_KIND_UNSPECIFIED) Assert(run, "run_kind", absl::StrCat(r.kind()));
    v1::RunState state = v1::RUN_STATE_UNSPECIFIED;
    if (type == v1::EVENT_TYPE_START || type == v1::EVENT_TYPE_RUNNING)
      state = v1::RUN_STATE_STARTED;
    if (type == v1::EVENT_TYPE_COMPLETE) state = v1::RUN_STATE_COMPLETED;
    if (type == v1::EVENT_TYPE_FAIL) state = v1::RUN_STATE_FAILED;
    if (type == v1::EVENT_TYPE_ABORT) state = v1::RUN_STATE_ABORTED;
    if (state != v1::RUN_STATE_UNSPECIFIED) Assert(run, "run_state", absl::StrCat(state));
    if (r.has_start_time()) Assert(run, "start_time", absl::StrCat(Micros(r.start_time())));
    if (r.has_end_time()) Assert(run, "end_time", absl::StrCat(Micros(r.end_time())));
    Assert(run, "code_version", j.code_version());
    Assert(run, "image_digest", j.image_digest());
    Attributes(run, r.attributes());
    AddEdge(job, v1::EDGE_KIND_EXECUTES, run, log_index);
    if (r.has_parent()) {
      const std::string& pns = Or(r.parent().job_namespace(), ens);
      const std::string parent =
          Mention(v1::NODE_KIND_RUN, NamedKey(v1::NODE_KIND_RUN, pns, r.parent().run_id()), pns,
                  r.parent().job_name(), log_index, micros);
      AddEdge(parent, v1::EDGE_KIND_PARENT_OF, run, log_index);
      if (!r.parent().job_name().empty()) {
        const std::string pjob =
            Mention(v1::NODE_KIND_JOB, NamedKey(v1::NODE_KIND_JOB, pns, r.parent().job_name()), pns,
                    r.parent().job_name(), log_index, micros);
        AddEdge(pjob, v1::EDGE_KIND_EXECUTES, parent, log_index);
      }
    }
    for (const v1::Input& in : e.inputs()) {
      const std::string v = in.has_dataset() ? dataset(in.dataset()) : model(in.model());
      AddEdge(v, v1::EDGE_KIND_INPUT_TO, run, log_index);
    }
    for (const v1::Output& out : e.outputs()) {
      const std::string v = out.has_dataset() ? dataset(out.dataset()) : model(out.model());
      AddEdge(run, v1::EDGE_KIND_PRODUCED, v, log_index);
    }
  }
  for (const v1::DatasetVersion& d : e.datasets()) dataset(d);
  for (const v1::ModelVersion& m : e.models()) model(m);
  for (const v1::Deployment& d : e.deployments()) {
    const std::string& ns = Or(d.namespace_(), ens);
    const std::string dep =
        Mention(v1::NODE_KIND_DEPLOYMENT, NamedKey(v1::NODE_KIND_DEPLOYMENT, ns, d.name()), ns,
                d.name(), log_index, micros);
    Assert(dep, "endpoint", d.endpoint());
    Assert(dep, "environment", d.environment());
    Assert(dep, "region", d.region());
    Attributes(dep, d.attributes());
    AddEdge(model(d.model()), v1::EDGE_KIND_SERVES, dep, log_index);
  }
  // A version known by name only and the same version known by digest:
  // linked once both have been reported under that name.
  for (const auto& [label, members] : names_) {
    if (absl::EndsWith(label, "|")) continue;  // No version label: "some version", no link.
    for (const auto& [by_name, name_index] : members) {
      if (absl::StrContains(by_name, "|d|")) continue;
      for (const auto& [by_digest, digest_index] : members) {
        if (!absl::StrContains(by_digest, "|d|")) continue;
        AddEdge(by_name, v1::EDGE_KIND_SAME_AS, by_digest, std::max(name_index, digest_index));
      }
    }
  }
}

v1::Classification ReferenceGraph::Effective(const std::string& key) const {
  if (effective_.empty()) {
    // Push each declared tier along every edge (SAME_AS both ways) until
    // nothing rises: each node ends with the highest tier upstream of it.
    for (const auto& [k, node] : nodes_) effective_[k] = node.declared;
    for (bool changed = true; changed;) {
      changed = false;
      auto lift = [&](const std::string& from, const std::string& to) {
        if (effective_[to] < effective_[from]) {
          effective_[to] = effective_[from];
          changed = true;
        }
      };
      for (const auto& [edge, index] : edges_) {
        lift(edge.from, edge.to);
        if (edge.kind == v1::EDGE_KIND_SAME_AS) lift(edge.to, edge.from);
      }
    }
  }
  return effective_.at(key);
}

std::map<std::string, std::string> ReferenceGraph::Properties(const std::string& key) const {
  std::map<std::string, std::string> out;
  for (const auto& [prop, winner] : nodes_.at(key).props) out[prop] = winner.second;
  return out;
}

v1::NodeProperties ReferenceGraph::ApiProperties(const std::string& key) const {
  v1::NodeProperties p;
  for (const auto& [prop, value] : Properties(key)) {
    int64_t number = 0;
    if (prop == "owner") p.set_owner(value);
    if (prop == "location") p.set_location(value);
    if (prop == "region") p.set_region(value);
    if (prop == "environment") p.set_environment(value);
    if (prop == "endpoint") p.set_endpoint(value);
    if (prop == "code_version") p.set_code_version(value);
    if (prop == "image_digest") p.set_image_digest(value);
    if (prop == "run_kind" && absl::SimpleAtoi(value, &number)) {
      p.set_run_kind(static_cast<v1::RunKind>(number));
    }
    if (prop == "run_state" && absl::SimpleAtoi(value, &number)) {
      p.set_run_state(static_cast<v1::RunState>(number));
    }
    if (prop == "start_time" && absl::SimpleAtoi(value, &number)) {
      *p.mutable_start_time() = TimeOf(number);
    }
    if (prop == "end_time" && absl::SimpleAtoi(value, &number)) {
      *p.mutable_end_time() = TimeOf(number);
    }
    if (absl::StartsWith(prop, "attr:")) (*p.mutable_attributes())[prop.substr(5)] = value;
  }
  *p.mutable_first_seen() = TimeOf(nodes_.at(key).first_seen_micros);
  return p;
}

ReferenceGraph::Reach ReferenceGraph::Traverse(const TraverseSpec& spec) const {
  const std::set<std::string> starts(spec.start.begin(), spec.start.end());
  auto stops = [&](const std::string& key) {
    if (starts.count(key)) return false;
    const Node& n = nodes_.at(key);
    for (const auto& [kind, prefix] : spec.stop_at) {
      if ((kind == v1::NODE_KIND_UNSPECIFIED || kind == n.kind) && absl::StartsWith(n.ns, prefix)) {
        return true;
      }
    }
    return false;
  };
  auto follows = [&](v1::EdgeKind kind) {
    return kind == v1::EDGE_KIND_SAME_AS || spec.edge_kinds.empty() || spec.edge_kinds.count(kind);
  };
  // Shortest depths, unbounded, by relaxing every edge until nothing changes.
  std::map<std::string, uint32_t> depth;
  for (const std::string& s : starts) depth[s] = 0;
  auto relax = [&](const std::string& to, uint32_t d) {
    auto it = depth.find(to);
    if (it != depth.end() && it->second <= d) return false;
    depth[to] = d;
    return true;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [e, index] : edges_) {
      if (!follows(e.kind)) continue;
      const bool same_as = e.kind == v1::EDGE_KIND_SAME_AS;
      const uint32_t cost = same_as ? 0 : 1;
      // (tail, head) in the traversal's direction; SAME_AS goes both ways.
      std::vector<std::pair<const std::string*, const std::string*>> hops;
      if (!spec.upstream || same_as) hops.push_back({&e.from, &e.to});
      if (spec.upstream || same_as) hops.push_back({&e.to, &e.from});
      for (auto [tail, head] : hops) {
        auto it = depth.find(*tail);
        if (it == depth.end() || stops(*tail)) continue;
        changed |= relax(*head, it->second + cost);
      }
    }
  }
  Reach out;
  for (const auto& [key, d] : depth) {
    if (spec.max_depth != 0 && d > spec.max_depth) {
      out.beyond_max_depth = true;
      continue;
    }
    out.depth[key] = d;
    if (starts.count(key) && !spec.include_start) continue;
    if (!spec.node_kinds.empty() && !spec.node_kinds.count(nodes_.at(key).kind)) continue;
    if (Effective(key) < spec.min_effective) continue;
    out.returned[key] = d;
  }
  // Edges followed: out of every node reached and expanded.
  for (const auto& [e, index] : edges_) {
    if (!follows(e.kind)) continue;
    const bool same_as = e.kind == v1::EDGE_KIND_SAME_AS;
    for (const std::string* tail : {&e.from, &e.to}) {
      const bool along = (tail == &e.from) != spec.upstream;
      if (!along && !same_as) continue;
      auto it = out.depth.find(*tail);
      if (it == out.depth.end() || stops(*tail)) continue;
      if (!same_as && spec.max_depth != 0 && it->second >= spec.max_depth) continue;
      out.edges.insert(e);
    }
  }
  return out;
}

std::set<std::string> ReferenceGraph::VersionsWithTokens(
    const std::vector<std::string>& tokens) const {
  std::set<std::string> out;
  for (const auto& [key, node] : nodes_) {
    for (const std::string& t : tokens) {
      if (node.subject_tokens.count(t)) out.insert(key);
    }
  }
  return out;
}

std::vector<std::string> ReferenceGraph::KeysOfKind(v1::NodeKind kind) const {
  std::vector<std::string> out;
  for (const auto& [key, node] : nodes_) {
    if (node.kind == kind) out.push_back(key);
  }
  return out;
}

}  // namespace lineage::testing
