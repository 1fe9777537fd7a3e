// gRPC LineageService: graph queries (proto/lineage/v1/lineage.proto).
//
// Queries run on a pool of their own, never on gRPC's callback threads, and
// poll the caller's deadline and cancellation as they go: a deadline that
// passes stops the work with DEADLINE_EXCEEDED. Streamed answers build each
// page only when the previous one was written, so a slow reader holds one
// page, not the whole answer. The two streamed methods are registered raw
// (see server/service/paged_writer.h); the wire format is the proto's.
//
// Thread-safety: safe for concurrent calls. The queries must outlive it.
#ifndef LINEAGE_SERVER_SERVICE_LINEAGE_SERVICE_H_
#define LINEAGE_SERVER_SERVICE_LINEAGE_SERVICE_H_

#include "lineage/v1/lineage.grpc.pb.h"
#include "server/graph/lineage_queries.h"
#include "server/ledger/worker_pool.h"
#include "server/service/service_edge.h"

namespace lineage {

class LineageServiceImpl final : public v1::LineageService::WithRawCallbackMethod_Traverse<
                                     v1::LineageService::WithRawCallbackMethod_DeletionImpact<
                                         v1::LineageService::CallbackService>> {
 public:
  // `threads`: query threads (0: one per core).
  LineageServiceImpl(const LineageQueries& queries, ServiceEdge& edge, int threads);

  // Raw: a lineage.v1.TraverseRequest in, lineage.v1.TraverseResponse pages out.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* Traverse(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* Trace(grpc::CallbackServerContext* context,
                                  const v1::TraceRequest* request,
                                  v1::TraceResponse* response) override;
  // Raw: a lineage.v1.DeletionImpactRequest in, DeletionImpactResponse pages out.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* DeletionImpact(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* SearchNodes(grpc::CallbackServerContext* context,
                                        const v1::SearchNodesRequest* request,
                                        v1::SearchNodesResponse* response) override;
  grpc::ServerUnaryReactor* GetNode(grpc::CallbackServerContext* context,
                                    const v1::GetNodeRequest* request,
                                    v1::GetNodeResponse* response) override;

  // For AuditLog::RecoverOpen: `open` (a Traverse or DeletionImpact record
  // a restart found open) with the answer fields of its pending_request,
  // run again at its pinned tree size; the status it ends with is recorded.
  absl::StatusOr<v1::AccessRecord> RecomputeAnswer(const v1::AccessRecord& open) const;

 private:
  const LineageQueries& queries_;
  ServiceEdge& edge_;
  WorkerPool pool_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_LINEAGE_SERVICE_H_
