#include "server/service/lineage_service.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/service/grpc_status.h"
#include "server/service/unary.h"

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

// Streams the pages of a PageSource, producing each on the pool.
template <typename Page>
class PagedWriter final : public grpc::ServerWriteReactor<Page> {
 public:
  using Start = std::function<absl::StatusOr<std::unique_ptr<PageSource<Page>>>()>;

  PagedWriter(WorkerPool& pool, Start start) : pool_(pool) {
    pool_.Schedule([this, start = std::move(start)] {
      absl::StatusOr<std::unique_ptr<PageSource<Page>>> source = start();
      if (!source.ok()) {
        this->Finish(ToGrpcStatus(source.status()));
        return;
      }
      source_ = *std::move(source);
      Produce();
    });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
    } else if (page_.done()) {
      this->Finish(grpc::Status::OK);
    } else {
      pool_.Schedule([this] { Produce(); });
    }
  }

  void OnDone() override { delete this; }

 private:
  void Produce() {
    absl::StatusOr<Page> page = source_->Next();
    if (!page.ok()) {
      this->Finish(ToGrpcStatus(page.status()));
      return;
    }
    page_ = *std::move(page);
    this->StartWrite(&page_);
  }

  WorkerPool& pool_;
  std::unique_ptr<PageSource<Page>> source_;
  Page page_;
};

// Runs a unary query on the pool and finishes the call with its result.
template <typename Response>
grpc::ServerUnaryReactor* RunUnary(WorkerPool& pool, grpc::CallbackServerContext* context,
                                   Response* response,
                                   std::function<absl::StatusOr<Response>()> query) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  pool.Schedule([reactor, response, query = std::move(query)] {
    CompleteWith(reactor, response)(query());
  });
  return reactor;
}

}  // namespace

LineageServiceImpl::LineageServiceImpl(const LineageQueries& queries,
                                       const AccessControl& access, int threads)
    : queries_(queries),
      access_(access),
      pool_(threads > 0 ? threads
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

grpc::ServerWriteReactor<v1::TraverseResponse>* LineageServiceImpl::Traverse(
    grpc::CallbackServerContext* context, const v1::TraverseRequest* request) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
  if (!caller.ok()) {
    return new RejectedStream<grpc::ServerWriteReactor<v1::TraverseResponse>>(caller.status());
  }
  return new PagedWriter<v1::TraverseResponse>(pool_, [this, context, request] {
    return queries_.Traverse(*request, CancelCheckFor(context));
  });
}

grpc::ServerUnaryReactor* LineageServiceImpl::Trace(grpc::CallbackServerContext* context,
                                                    const v1::TraceRequest* request,
                                                    v1::TraceResponse* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
  if (!caller.ok()) return Reject(context, caller.status());
  return RunUnary<v1::TraceResponse>(pool_, context, response, [this, context, request] {
    return queries_.Trace(*request, CancelCheckFor(context));
  });
}

grpc::ServerWriteReactor<v1::DeletionImpactResponse>* LineageServiceImpl::DeletionImpact(
    grpc::CallbackServerContext* context, const v1::DeletionImpactRequest* request) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_DELETION_OFFICER);
  if (!caller.ok()) {
    return new RejectedStream<grpc::ServerWriteReactor<v1::DeletionImpactResponse>>(
        caller.status());
  }
  return new PagedWriter<v1::DeletionImpactResponse>(pool_, [this, context, request] {
    return queries_.DeletionImpact(*request, CancelCheckFor(context));
  });
}

grpc::ServerUnaryReactor* LineageServiceImpl::SearchNodes(grpc::CallbackServerContext* context,
                                                          const v1::SearchNodesRequest* request,
                                                          v1::SearchNodesResponse* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
  if (!caller.ok()) return Reject(context, caller.status());
  return RunUnary<v1::SearchNodesResponse>(pool_, context, response, [this, context, request] {
    return queries_.SearchNodes(*request, CancelCheckFor(context));
  });
}

grpc::ServerUnaryReactor* LineageServiceImpl::GetNode(grpc::CallbackServerContext* context,
                                                      const v1::GetNodeRequest* request,
                                                      v1::GetNodeResponse* response) {
  absl::StatusOr<Caller> caller = access_.Check(*context, v1::ROLE_AUDITOR);
  if (!caller.ok()) return Reject(context, caller.status());
  return RunUnary<v1::GetNodeResponse>(pool_, context, response,
                                       [this, request] { return queries_.GetNode(*request); });
}

}  // namespace lineage
