#include "server/service/lineage_service.h"

#include <thread>

#include "server/service/grpc_status.h"
#include "server/service/paged_writer.h"

namespace lineage {
namespace {

// Stops work when the caller gives up or its deadline passes.
LineageQueries::CancelCheck CancelCheckFor(grpc::CallbackServerContext* context) {
  const std::chrono::system_clock::time_point deadline = context->deadline();
  return [context, deadline]() -> absl::Status {
    if (context->IsCancelled()) return absl::CancelledError("the caller cancelled the query");
    if (std::chrono::system_clock::now() > deadline) {
      return absl::DeadlineExceededError("the caller's deadline passed; the query was stopped");
    }
    return absl::OkStatus();
  };
}

// Fixes `request`'s as_of to the tree size it names now.
template <typename Request>
std::function<absl::StatusOr<uint64_t>(Request&)> PinAsOf(const LineageQueries& queries) {
  return [&queries](Request& request) -> absl::StatusOr<uint64_t> {
    absl::StatusOr<uint64_t> size = queries.ResolveAsOf(request.as_of());
    if (size.ok()) request.mutable_as_of()->set_tree_size(*size);
    return size;
  };
}

constexpr absl::string_view kTraverse = "lineage.v1.LineageService/Traverse";
constexpr absl::string_view kDeletionImpact = "lineage.v1.LineageService/DeletionImpact";

// A streamed query of LineageQueries.
template <typename Request, typename Page>
using StreamedQuery = absl::StatusOr<std::unique_ptr<PageSource<Page>>> (LineageQueries::*)(
    const Request&, LineageQueries::CancelCheck) const;

// `open` with the answer fields of `query` run on its pending_request; the
// query's error if it fails.
template <typename Request, typename Page>
absl::StatusOr<v1::AccessRecord> Recompute(const LineageQueries& queries,
                                           StreamedQuery<Request, Page> query,
                                           const v1::AccessRecord& open) {
  Request request;
  if (!request.ParseFromString(open.pending_request())) {
    return absl::DataLossError(absl::StrCat("the access record's pending_request is not a ",
                                            Request::descriptor()->full_name()));
  }
  absl::StatusOr<std::unique_ptr<PageSource<Page>>> source =
      (queries.*query)(request, [] { return absl::OkStatus(); });
  if (!source.ok()) return source.status();
  return WithAnswerOf(open, **source);
}

// A streamed call: parse, admit, then answer page by page (PagedWriter).
template <typename Request, typename Page>
RawWriteReactor* Stream(grpc::CallbackServerContext* context, const grpc::ByteBuffer& raw,
                        absl::string_view method, v1::Role role, ServiceEdge& edge,
                        WorkerPool& pool, const LineageQueries& queries,
                        StreamedQuery<Request, Page> query) {
  absl::StatusOr<Request> request = ParseRequest<Request>(raw);
  if (!request.ok()) return new RejectedStream<RawWriteReactor>(request.status());
  absl::StatusOr<Caller> caller = edge.Admit(context, method, *request, {role});
  if (!caller.ok()) return new RejectedStream<RawWriteReactor>(caller.status());
  v1::AccessRecord record = edge.Begin(context, method, caller->principal, *request);
  return new PagedWriter<Request, Page>(
      pool, edge, std::move(record), *std::move(request),
      {.pin = PinAsOf<Request>(queries),
       .start = [&queries, query, context](const Request& r) {
         return (queries.*query)(r, CancelCheckFor(context));
       }});
}

}  // namespace

LineageServiceImpl::LineageServiceImpl(const LineageQueries& queries, ServiceEdge& edge,
                                       int threads)
    : queries_(queries),
      edge_(edge),
      pool_(threads > 0 ? threads
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

RawWriteReactor* LineageServiceImpl::Traverse(grpc::CallbackServerContext* context,
                                              const grpc::ByteBuffer* raw) {
  return Stream<v1::TraverseRequest, v1::TraverseResponse>(
      context, *raw, kTraverse, v1::ROLE_AUDITOR, edge_, pool_, queries_, &LineageQueries::Traverse);
}

grpc::ServerUnaryReactor* LineageServiceImpl::Trace(grpc::CallbackServerContext* context,
                                                    const v1::TraceRequest* request,
                                                    v1::TraceResponse* response) {
  return edge_.UnaryAsync<v1::TraceRequest, v1::TraceResponse>(
      context, "lineage.v1.LineageService/Trace", *request, response, {v1::ROLE_AUDITOR},
      [this, context, request](const Caller&, auto done) {
        pool_.Schedule([this, context, request, done = std::move(done)] {
          done(queries_.Trace(*request, CancelCheckFor(context)));
        });
      });
}

RawWriteReactor* LineageServiceImpl::DeletionImpact(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* raw) {
  return Stream<v1::DeletionImpactRequest, v1::DeletionImpactResponse>(
      context, *raw, kDeletionImpact, v1::ROLE_DELETION_OFFICER, edge_, pool_, queries_,
      &LineageQueries::DeletionImpact);
}

grpc::ServerUnaryReactor* LineageServiceImpl::SearchNodes(grpc::CallbackServerContext* context,
                                                          const v1::SearchNodesRequest* request,
                                                          v1::SearchNodesResponse* response) {
  return edge_.UnaryAsync<v1::SearchNodesRequest, v1::SearchNodesResponse>(
      context, "lineage.v1.LineageService/SearchNodes", *request, response, {v1::ROLE_AUDITOR},
      [this, context, request](const Caller&, auto done) {
        pool_.Schedule([this, context, request, done = std::move(done)] {
          done(queries_.SearchNodes(*request, CancelCheckFor(context)));
        });
      });
}

grpc::ServerUnaryReactor* LineageServiceImpl::GetNode(grpc::CallbackServerContext* context,
                                                      const v1::GetNodeRequest* request,
                                                      v1::GetNodeResponse* response) {
  return edge_.Unary<v1::GetNodeRequest, v1::GetNodeResponse>(
      context, "lineage.v1.LineageService/GetNode", *request, response, {v1::ROLE_AUDITOR},
      [&](const Caller&) { return queries_.GetNode(*request); });
}

absl::StatusOr<v1::AccessRecord> LineageServiceImpl::RecomputeAnswer(
    const v1::AccessRecord& open) const {
  if (open.method() == kTraverse) {
    return Recompute<v1::TraverseRequest, v1::TraverseResponse>(
        queries_, &LineageQueries::Traverse, open);
  }
  if (open.method() == kDeletionImpact) {
    return Recompute<v1::DeletionImpactRequest, v1::DeletionImpactResponse>(
        queries_, &LineageQueries::DeletionImpact, open);
  }
  return absl::FailedPreconditionError(
      absl::StrCat("an open access record of ", open.method(), ", which is never opened"));
}

}  // namespace lineage
