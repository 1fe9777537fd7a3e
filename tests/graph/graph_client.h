// GraphClient: LineageService over a real channel for tests, collecting
// streamed answers page by page (and checking the paging contract on the
// way: the checkpoint on the first and last page, `done` only on the last).
//
//   GraphClient graph(harness.channel());
//   ASSERT_OK_AND_ASSIGN(GraphClient::Traversal t, graph.Traverse(request));
//
// Thread-safety: as the gRPC stub (safe for concurrent calls).
#ifndef LINEAGE_TESTS_GRAPH_GRAPH_CLIENT_H_
#define LINEAGE_TESTS_GRAPH_GRAPH_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lineage/v1/lineage.grpc.pb.h"

namespace lineage::testing {

class GraphClient {
 public:
  explicit GraphClient(std::shared_ptr<grpc::Channel> channel);

  // A whole traversal: every page's nodes and edges in order, and the last
  // page's summary. Column pages (ANSWER_LAYOUT_COLUMNS) are read into
  // Node messages of ID, kind and depth.
  struct Traversal {
    std::vector<v1::Node> nodes;
    bool columns = false;  // Some page carried columns.
    std::vector<v1::Edge> edges;
    v1::TraverseResponse last;  // done = true, with totals (nodes/edges moved out).
    v1::SignedCheckpoint first_checkpoint;
    int pages = 0;
  };
  absl::StatusOr<Traversal> Traverse(const v1::TraverseRequest& request,
                                     absl::Duration deadline = absl::Seconds(60));
  // The raw pages, as sent.
  absl::StatusOr<std::vector<v1::TraverseResponse>> TraversePages(
      const v1::TraverseRequest& request, absl::Duration deadline = absl::Seconds(60));

  absl::StatusOr<v1::TraceResponse> Trace(const v1::TraceRequest& request);

  // A whole deletion impact: every page's groups concatenated, the first
  // page's sources and the last page's totals. Column pages are read into
  // ImpactedNode messages in their kind's group (traversal order).
  struct Impact {
    std::vector<v1::Node> sources;
    bool columns = false;  // Some page carried impacted columns.
    std::vector<v1::ImpactedNode> dataset_versions, runs, model_versions, deployments;
    v1::DeletionImpactResponse last;
    v1::SignedCheckpoint first_checkpoint;
    int pages = 0;
  };
  absl::StatusOr<Impact> DeletionImpact(const v1::DeletionImpactRequest& request);
  // The raw pages, as sent.
  absl::StatusOr<std::vector<v1::DeletionImpactResponse>> DeletionImpactPages(
      const v1::DeletionImpactRequest& request);

  absl::StatusOr<v1::SearchNodesResponse> Search(const v1::SearchNodesRequest& request);
  // Follows next_page_token to the end.
  absl::StatusOr<std::vector<v1::Node>> SearchAll(v1::SearchNodesRequest request);

  absl::StatusOr<v1::GetNodeResponse> GetNode(const v1::GetNodeRequest& request);

  v1::LineageService::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<v1::LineageService::Stub> stub_;
};

// Selectors.
v1::NodeSelector ById(uint64_t id);
v1::NodeSelector ByDigest(v1::NodeKind kind, const std::string& digest);
v1::NodeSelector ByName(v1::NodeKind kind, const std::string& ns, const std::string& name,
                        const std::string& version = "");
v1::NodeSelector ByRun(const std::string& job_ns, const std::string& run_id);

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_GRAPH_CLIENT_H_
