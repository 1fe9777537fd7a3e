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

// `open` with the answer fields of the query its pending_request asks.
template <typename Request, typename Run>
absl::StatusOr<v1::AccessRecord> Recompute(const v1::AccessRecord& open, Run run) {
  Request request;
  if (!request.ParseFromString(open.pending_request())) {
    return absl::DataLossError(absl::StrCat("the access record's pending_request is not a ",
                                            Request::descriptor()->full_name()));
  }
  auto source = run(request);
  if (!source.ok()) {
    v1::AccessRecord failed = open;
    failed.set_status_code(static_cast<int32_t>(source.status().code()));
    failed.set_status_message(std::string(source.status().message()));
    return failed;
  }
  absl::StatusOr<v1::AccessRecord> answered = WithAnswerOf(open, **source);
  if (answered.ok()) {
    answered->set_status_code(0);
    answered->clear_status_message();
  }
  return answered;
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
  constexpr absl::string_view kMethod = kTraverse;
  absl::StatusOr<v1::TraverseRequest> request = ParseRequest<v1::TraverseRequest>(*raw);
  if (!request.ok()) return new RejectedStream<RawWriteReactor>(request.status());
  absl::StatusOr<Caller> caller = edge_.Admit(context, kMethod, *request, {v1::ROLE_AUDITOR});
  if (!caller.ok()) return new RejectedStream<RawWriteReactor>(caller.status());
  v1::AccessRecord record = edge_.Begin(context, kMethod, caller->principal, *request);
  return new PagedWriter<v1::TraverseRequest, v1::TraverseResponse>(
      pool_, edge_, std::move(record), *std::move(request),
      {.pin = PinAsOf<v1::TraverseRequest>(queries_),
       .start = [this, context](const v1::TraverseRequest& r) {
         return queries_.Traverse(r, CancelCheckFor(context));
       }});
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
  constexpr absl::string_view kMethod = kDeletionImpact;
  absl::StatusOr<v1::DeletionImpactRequest> request = ParseRequest<v1::DeletionImpactRequest>(*raw);
  if (!request.ok()) return new RejectedStream<RawWriteReactor>(request.status());
  absl::StatusOr<Caller> caller =
      edge_.Admit(context, kMethod, *request, {v1::ROLE_DELETION_OFFICER});
  if (!caller.ok()) return new RejectedStream<RawWriteReactor>(caller.status());
  v1::AccessRecord record = edge_.Begin(context, kMethod, caller->principal, *request);
  return new PagedWriter<v1::DeletionImpactRequest, v1::DeletionImpactResponse>(
      pool_, edge_, std::move(record), *std::move(request),
      {.pin = PinAsOf<v1::DeletionImpactRequest>(queries_),
       .start = [this, context](const v1::DeletionImpactRequest& r) {
         return queries_.DeletionImpact(r, CancelCheckFor(context));
       }});
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
  const auto never = [] { return absl::OkStatus(); };
  if (open.method() == kTraverse) {
    return Recompute<v1::TraverseRequest>(
        open, [&](const v1::TraverseRequest& r) { return queries_.Traverse(r, never); });
  }
  if (open.method() == kDeletionImpact) {
    return Recompute<v1::DeletionImpactRequest>(open, [&](const v1::DeletionImpactRequest& r) {
      return queries_.DeletionImpact(r, never);
    });
  }
  return absl::FailedPreconditionError(
      absl::StrCat("an open access record of ", open.method(), ", which is never opened"));
}

}  // namespace lineage
