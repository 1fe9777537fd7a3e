#include "tests/graph/graph_answers.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/ledger/proto_time.h"

namespace lineage::testing {
namespace {

class Collector {
 public:
  explicit Collector(Answers& out) : out_(out) {}

  // Records `c` and checks it is the one every earlier answer named.
  absl::Status Checkpoint(const v1::SignedCheckpoint& c, absl::string_view what) {
    if (c.note().empty()) return absl::InternalError(absl::StrCat(what, ": no checkpoint"));
    if (!seen_) {
      out_.checkpoint = c;
      seen_ = true;
    } else if (c.SerializeAsString() != out_.checkpoint.SerializeAsString()) {
      return absl::InternalError(absl::StrCat(what, ": another checkpoint than earlier answers"));
    }
    return absl::OkStatus();
  }

  template <typename Message>
  void Add(absl::string_view what, Message m) {
    m.clear_checkpoint();
    absl::StrAppend(&out_.text, what, ": ", m.ShortDebugString(), "\n");
  }
  void Line(absl::string_view what, const google::protobuf::Message& m) {
    absl::StrAppend(&out_.text, what, ": ", m.ShortDebugString(), "\n");
  }

 private:
  Answers& out_;
  bool seen_ = false;
};

}  // namespace

v1::AsOf AtSize(uint64_t tree_size) {
  v1::AsOf as_of;
  as_of.set_tree_size(tree_size);
  return as_of;
}

v1::AsOf AtTime(absl::Time time) {
  v1::AsOf as_of;
  *as_of.mutable_time() = ToProtoTime(time);
  return as_of;
}

absl::StatusOr<Answers> AnswersAt(GraphLedger& ledger, const v1::AsOf& as_of) {
  Answers out;
  Collector c(out);
  GraphClient& graph = ledger.graph();

  auto search = [&](v1::SearchNodesRequest request, absl::string_view what) -> absl::Status {
    *request.mutable_as_of() = as_of;
    for (int page = 0;; ++page) {
      ASSIGN_OR_RETURN(v1::SearchNodesResponse r, graph.Search(request));
      RETURN_IF_ERROR(c.Checkpoint(r.checkpoint(), what));
      c.Add(absl::StrCat(what, " page ", page), r);
      if (r.next_page_token().empty()) return absl::OkStatus();
      request.set_page_token(r.next_page_token());
    }
  };
  v1::SearchNodesRequest all;
  all.set_view(v1::NODE_VIEW_FULL);
  all.set_page_size(1000);
  *all.mutable_as_of() = as_of;
  ASSIGN_OR_RETURN(v1::SearchNodesResponse everything, graph.Search(all));
  if (!everything.next_page_token().empty()) return absl::InternalError("over 1000 nodes");
  RETURN_IF_ERROR(c.Checkpoint(everything.checkpoint(), "all nodes"));
  c.Add("all nodes", everything);
  out.nodes = everything.nodes_size();

  auto traverse = [&](v1::TraverseRequest request, absl::string_view what) -> absl::Status {
    *request.mutable_as_of() = as_of;
    request.set_include_edges(true);
    request.set_view(v1::NODE_VIEW_FULL);
    request.set_page_size(7);
    ASSIGN_OR_RETURN(std::vector<v1::TraverseResponse> pages, graph.TraversePages(request));
    RETURN_IF_ERROR(c.Checkpoint(pages.front().checkpoint(), what));
    RETURN_IF_ERROR(c.Checkpoint(pages.back().checkpoint(), what));
    for (size_t i = 0; i < pages.size(); ++i) c.Add(absl::StrCat(what, " page ", i), pages[i]);
    return absl::OkStatus();
  };
  if (everything.nodes_size() > 0) {
    for (v1::Direction d : {v1::DIRECTION_UPSTREAM, v1::DIRECTION_DOWNSTREAM}) {
      v1::TraverseRequest request;
      request.set_direction(d);
      for (const v1::Node& n : everything.nodes()) *request.add_start() = ById(n.node_id());
      RETURN_IF_ERROR(traverse(request, absl::StrCat("from all ", v1::Direction_Name(d))));
      for (int i = 0; i < everything.nodes_size(); i += 8) {
        request.clear_start();
        *request.add_start() = ById(everything.nodes(i).node_id());
        request.set_include_start(i % 2 == 0);
        RETURN_IF_ERROR(traverse(request, absl::StrCat("from ", everything.nodes(i).node_id(), " ",
                                                       v1::Direction_Name(d))));
      }
    }
  }
  for (int i = 0; i < everything.nodes_size(); ++i) {
    const v1::Node& n = everything.nodes(i);
    if (i % 8 == 4) {
      v1::GetNodeRequest request;
      *request.mutable_node() = ById(n.node_id());
      *request.mutable_as_of() = as_of;
      ASSIGN_OR_RETURN(v1::GetNodeResponse r, graph.GetNode(request));
      RETURN_IF_ERROR(c.Checkpoint(r.checkpoint(), "get node"));
      c.Add(absl::StrCat("get ", n.node_id()), r);
    }
    if (n.kind() == v1::NODE_KIND_MODEL_VERSION || n.kind() == v1::NODE_KIND_DEPLOYMENT) {
      v1::TraceRequest request;
      *request.mutable_target() = ById(n.node_id());
      *request.mutable_as_of() = as_of;
      request.set_view(v1::NODE_VIEW_FULL);
      ASSIGN_OR_RETURN(v1::TraceResponse r, graph.Trace(request));
      RETURN_IF_ERROR(c.Checkpoint(r.checkpoint(), "trace"));
      c.Add(absl::StrCat("trace ", n.node_id()), r);
    }
  }
  for (int t = -1; t < 5; ++t) {
    v1::DeletionImpactRequest request;
    for (int k = 0; k < 10; ++k) {
      if (t == -1 || t == k) request.add_subject_tokens(absl::StrCat("subj:token-", k));
    }
    *request.mutable_as_of() = as_of;
    request.set_view(v1::NODE_VIEW_FULL);
    request.set_page_size(5);
    ASSIGN_OR_RETURN(GraphClient::Impact impact, graph.DeletionImpact(request));
    RETURN_IF_ERROR(c.Checkpoint(impact.first_checkpoint, "impact"));
    RETURN_IF_ERROR(c.Checkpoint(impact.last.checkpoint(), "impact"));
    const std::string what = absl::StrCat("impact ", t);
    for (const v1::Node& n : impact.sources) c.Line(what + " source", n);
    for (const auto* group :
         {&impact.dataset_versions, &impact.runs, &impact.model_versions, &impact.deployments}) {
      for (const v1::ImpactedNode& n : *group) c.Line(what, n);
    }
    c.Add(what + " summary", impact.last);
  }
  v1::SearchNodesRequest request;
  request.set_kind(v1::NODE_KIND_DEPLOYMENT);
  request.set_min_effective_classification(v1::CLASSIFICATION_RESTRICTED);
  RETURN_IF_ERROR(search(request, "restricted deployments"));
  request = {};
  request.set_min_classification(v1::CLASSIFICATION_CONFIDENTIAL);
  request.set_page_size(4);
  RETURN_IF_ERROR(search(request, "confidential"));
  request = {};
  (*request.mutable_attributes())["owner"] = "owner-1";
  RETURN_IF_ERROR(search(request, "owner-1"));
  request = {};
  request.set_name_prefix("ds.1");
  request.set_page_size(3);
  request.set_view(v1::NODE_VIEW_FULL);
  RETURN_IF_ERROR(search(request, "ds.1*"));
  return out;
}

}  // namespace lineage::testing
