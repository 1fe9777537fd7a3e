#include "tests/graph/graph_client.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "client/ledger_client.h"

namespace lineage::testing {
namespace {

void SetDeadline(grpc::ClientContext& context, absl::Duration deadline) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
}

// Reads a whole server stream.
template <typename Page, typename Request, typename Call>
absl::StatusOr<std::vector<Page>> ReadAll(Call call, const Request& request,
                                          absl::Duration deadline) {
  grpc::ClientContext context;
  SetDeadline(context, deadline);
  std::unique_ptr<grpc::ClientReader<Page>> reader = call(&context, request);
  std::vector<Page> pages;
  Page page;
  while (reader->Read(&page)) pages.push_back(std::move(page));
  grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return pages;
}

// The contract every streamed answer keeps: a checkpoint on the first and
// the last page, `done` on the last page only.
template <typename Page>
absl::Status CheckPaging(const std::vector<Page>& pages) {
  if (pages.empty()) return absl::InternalError("paging: the stream ended without a page");
  if (pages.front().checkpoint().note().empty()) {
    return absl::InternalError("paging: the first page has no checkpoint");
  }
  for (size_t i = 0; i + 1 < pages.size(); ++i) {
    if (pages[i].done()) {
      return absl::InternalError(absl::StrCat("paging: page ", i, " of ", pages.size(),
                                              " has done set before the last page"));
    }
  }
  if (!pages.back().done()) return absl::InternalError("paging: the last page is not done");
  if (pages.back().checkpoint().SerializeAsString() !=
      pages.front().checkpoint().SerializeAsString()) {
    return absl::InternalError("paging: the first and last pages name different checkpoints");
  }
  return absl::OkStatus();
}

// ANSWER_LAYOUT_COLUMNS: `columns` as Node messages (ID, kind, depth), after
// checking the arrays are parallel.
absl::Status AppendColumns(const v1::NodeColumns& columns, std::vector<v1::Node>& out) {
  if (columns.kinds_size() != columns.node_ids_size() ||
      columns.depths_size() != columns.node_ids_size()) {
    return absl::InternalError(absl::StrCat("columns: ", columns.node_ids_size(), " node_ids, ",
                                            columns.kinds_size(), " kinds, ",
                                            columns.depths_size(), " depths"));
  }
  for (int i = 0; i < columns.node_ids_size(); ++i) {
    v1::Node& n = out.emplace_back();
    n.set_node_id(columns.node_ids(i));
    n.set_kind(columns.kinds(i));
    n.set_depth(columns.depths(i));
  }
  return absl::OkStatus();
}

}  // namespace

GraphClient::GraphClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(v1::LineageService::NewStub(std::move(channel))) {}

absl::StatusOr<std::vector<v1::TraverseResponse>> GraphClient::TraversePages(
    const v1::TraverseRequest& request, absl::Duration deadline) {
  return ReadAll<v1::TraverseResponse>(
      [&](grpc::ClientContext* c, const v1::TraverseRequest& r) { return stub_->Traverse(c, r); },
      request, deadline);
}

absl::StatusOr<GraphClient::Traversal> GraphClient::Traverse(const v1::TraverseRequest& request,
                                                             absl::Duration deadline) {
  absl::StatusOr<std::vector<v1::TraverseResponse>> pages = TraversePages(request, deadline);
  if (!pages.ok()) return pages.status();
  if (absl::Status s = CheckPaging(*pages); !s.ok()) return s;
  Traversal out;
  out.pages = static_cast<int>(pages->size());
  out.first_checkpoint = pages->front().checkpoint();
  for (v1::TraverseResponse& page : *pages) {
    if (page.has_columns() && page.nodes_size() > 0) {
      return absl::InternalError("layout: a page holds both nodes and columns");
    }
    if (absl::Status s = AppendColumns(page.columns(), out.nodes); !s.ok()) return s;
    out.columns = out.columns || page.has_columns();
    for (v1::Node& n : *page.mutable_nodes()) out.nodes.push_back(std::move(n));
    for (v1::Edge& e : *page.mutable_edges()) out.edges.push_back(std::move(e));
  }
  out.last = std::move(pages->back());
  out.last.clear_nodes();
  out.last.clear_edges();
  out.last.clear_columns();
  return out;
}

absl::StatusOr<v1::TraceResponse> GraphClient::Trace(const v1::TraceRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(60));
  v1::TraceResponse response;
  grpc::Status status = stub_->Trace(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<std::vector<v1::DeletionImpactResponse>> GraphClient::DeletionImpactPages(
    const v1::DeletionImpactRequest& request) {
  return ReadAll<v1::DeletionImpactResponse>(
      [&](grpc::ClientContext* c, const v1::DeletionImpactRequest& r) {
        return stub_->DeletionImpact(c, r);
      },
      request, absl::Seconds(60));
}

absl::StatusOr<GraphClient::Impact> GraphClient::DeletionImpact(
    const v1::DeletionImpactRequest& request) {
  absl::StatusOr<std::vector<v1::DeletionImpactResponse>> pages = DeletionImpactPages(request);
  if (!pages.ok()) return pages.status();
  if (absl::Status s = CheckPaging(*pages); !s.ok()) return s;
  Impact out;
  out.pages = static_cast<int>(pages->size());
  out.first_checkpoint = pages->front().checkpoint();
  for (size_t i = 0; i < pages->size(); ++i) {
    v1::DeletionImpactResponse& page = (*pages)[i];
    if (i > 0 && page.sources_size() > 0) {
      return absl::InternalError(absl::StrCat("paging: page ", i, " repeats the sources"));
    }
    for (v1::Node& n : *page.mutable_sources()) out.sources.push_back(std::move(n));
    if (page.has_impacted()) {
      const v1::ImpactColumns& c = page.impacted();
      std::vector<v1::Node> nodes;
      if (absl::Status s = AppendColumns(c.nodes(), nodes); !s.ok()) return s;
      if (c.owner_indexes_size() != c.nodes().node_ids_size() ||
          c.source_node_ids_size() != c.nodes().node_ids_size() ||
          c.witness_predecessors_size() != c.nodes().node_ids_size()) {
        return absl::InternalError("impacted: the columns have different lengths");
      }
      if (std::set<std::string>(c.owner_names().begin(), c.owner_names().end()).size() !=
          static_cast<size_t>(c.owner_names_size())) {
        return absl::InternalError("impacted: the owner table names an owner twice");
      }
      if (page.dataset_versions_size() + page.runs_size() + page.model_versions_size() +
              page.deployments_size() > 0) {
        return absl::InternalError("layout: a page holds both impacted columns and groups");
      }
      out.columns = true;
      for (size_t k = 0; k < nodes.size(); ++k) {
        v1::ImpactedNode n;
        *n.mutable_node() = std::move(nodes[k]);
        const uint32_t owner = c.owner_indexes(static_cast<int>(k));
        if (owner >= static_cast<uint32_t>(c.owner_names_size())) {
          return absl::InternalError(absl::StrCat("impacted: owner index ", owner, " of node ",
                                                  n.node().node_id(), " is past the owner table (",
                                                  c.owner_names_size(), " names)"));
        }
        n.set_owner(c.owner_names(static_cast<int>(owner)));
        n.set_source_node_id(c.source_node_ids(static_cast<int>(k)));
        n.set_witness_predecessor(c.witness_predecessors(static_cast<int>(k)));
        switch (n.node().kind()) {
          case v1::NODE_KIND_DATASET_VERSION: out.dataset_versions.push_back(std::move(n)); break;
          case v1::NODE_KIND_RUN: out.runs.push_back(std::move(n)); break;
          case v1::NODE_KIND_MODEL_VERSION: out.model_versions.push_back(std::move(n)); break;
          case v1::NODE_KIND_DEPLOYMENT: out.deployments.push_back(std::move(n)); break;
          default:
            return absl::InternalError(absl::StrCat("impacted: node ", n.node().node_id(),
                                                    " has kind ", n.node().kind()));
        }
      }
    }
    for (auto& n : *page.mutable_dataset_versions()) out.dataset_versions.push_back(std::move(n));
    for (auto& n : *page.mutable_runs()) out.runs.push_back(std::move(n));
    for (auto& n : *page.mutable_model_versions()) out.model_versions.push_back(std::move(n));
    for (auto& n : *page.mutable_deployments()) out.deployments.push_back(std::move(n));
  }
  out.last = std::move(pages->back());
  out.last.clear_sources();
  out.last.clear_dataset_versions();
  out.last.clear_runs();
  out.last.clear_model_versions();
  out.last.clear_deployments();
  out.last.clear_impacted();
  return out;
}

absl::StatusOr<v1::SearchNodesResponse> GraphClient::Search(const v1::SearchNodesRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(60));
  v1::SearchNodesResponse response;
  grpc::Status status = stub_->SearchNodes(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<std::vector<v1::Node>> GraphClient::SearchAll(v1::SearchNodesRequest request) {
  std::vector<v1::Node> out;
  for (int page = 0; page < 100000; ++page) {
    absl::StatusOr<v1::SearchNodesResponse> response = Search(request);
    if (!response.ok()) return response.status();
    for (v1::Node& n : *response->mutable_nodes()) out.push_back(std::move(n));
    if (response->next_page_token().empty()) return out;
    request.set_page_token(response->next_page_token());
  }
  return absl::InternalError("search: the pages never end");
}

absl::StatusOr<v1::GetNodeResponse> GraphClient::GetNode(const v1::GetNodeRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(60));
  v1::GetNodeResponse response;
  grpc::Status status = stub_->GetNode(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

v1::NodeSelector ById(uint64_t id) {
  v1::NodeSelector s;
  s.set_node_id(id);
  return s;
}

v1::NodeSelector ByDigest(v1::NodeKind kind, const std::string& digest) {
  v1::NodeSelector s;
  s.set_kind(kind);
  s.set_digest(digest);
  return s;
}

v1::NodeSelector ByName(v1::NodeKind kind, const std::string& ns, const std::string& name,
                        const std::string& version) {
  v1::NodeSelector s;
  s.set_kind(kind);
  s.set_namespace_(ns);
  s.set_name(name);
  s.set_version(version);
  return s;
}

v1::NodeSelector ByRun(const std::string& job_ns, const std::string& run_id) {
  v1::NodeSelector s;
  s.set_kind(v1::NODE_KIND_RUN);
  s.set_namespace_(job_ns);
  s.set_run_id(run_id);
  return s;
}

}  // namespace lineage::testing
