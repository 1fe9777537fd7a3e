#include "server/service/lineage_service.h"

#include <google/protobuf/arena.h>

#include <thread>

#include "server/service/grpc_status.h"

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

// Streams the pages of a PageSource, producing each on the pool, and
// records the call (with every node it answered) before its final status.
template <typename Page>
class PagedWriter final : public grpc::ServerWriteReactor<Page> {
 public:
  using Start = std::function<absl::StatusOr<std::unique_ptr<PageSource<Page>>>()>;

  PagedWriter(WorkerPool& pool, ServiceEdge& edge, v1::AccessRecord record, Start start)
      : pool_(pool), edge_(edge), record_(std::move(record)) {
    pool_.Schedule([this, start = std::move(start)] {
      absl::StatusOr<std::unique_ptr<PageSource<Page>>> source = start();
      if (!source.ok()) {
        End(source.status());
        return;
      }
      source_ = *std::move(source);
      Produce();
    });
  }

  // After every page but the last (which goes with the status).
  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("the client stopped reading"));
    } else {
      pool_.Schedule([this] { Produce(); });
    }
  }

  void OnDone() override { delete this; }

 private:
  void Produce() {
    // Each page on a fresh arena: building is bump allocation, and the
    // previous page (written by now) is freed at once.
    page_ = nullptr;
    arena_.Reset();
    page_ = google::protobuf::Arena::CreateMessage<Page>(&arena_);
    if (const absl::Status status = source_->Next(*page_); !status.ok()) {
      End(status);
      return;
    }
    ServiceEdge::AddAnswer(record_, *page_);
    if (page_->done()) {
      // The last page goes out only once the access record is durable.
      recorded_ = true;  // Before Record: its callback may finish the call at once.
      edge_.Record(std::move(record_), absl::OkStatus(), [this](absl::Status recorded) {
        if (recorded.ok()) {
          // The last page and the status in one write: no second round.
          this->StartWriteAndFinish(page_, grpc::WriteOptions(), grpc::Status::OK);
        } else {
          this->Finish(ToGrpcStatus(recorded));
        }
      });
      return;
    }
    this->StartWrite(page_);
  }

  void End(const absl::Status& status) {
    if (recorded_) {
      this->Finish(ToGrpcStatus(status));
      return;
    }
    recorded_ = true;
    edge_.Record(std::move(record_), status,
                 [this, status](absl::Status) { this->Finish(ToGrpcStatus(status)); });
  }

  WorkerPool& pool_;
  ServiceEdge& edge_;
  v1::AccessRecord record_;
  bool recorded_ = false;
  std::unique_ptr<PageSource<Page>> source_;
  google::protobuf::Arena arena_;
  Page* page_ = nullptr;  // On arena_; the page being written.
};

}  // namespace

LineageServiceImpl::LineageServiceImpl(const LineageQueries& queries, ServiceEdge& edge,
                                       int threads)
    : queries_(queries),
      edge_(edge),
      pool_(threads > 0 ? threads
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

grpc::ServerWriteReactor<v1::TraverseResponse>* LineageServiceImpl::Traverse(
    grpc::CallbackServerContext* context, const v1::TraverseRequest* request) {
  constexpr absl::string_view kMethod = "lineage.v1.LineageService/Traverse";
  absl::StatusOr<Caller> caller = edge_.Admit(context, kMethod, *request, {v1::ROLE_AUDITOR});
  if (!caller.ok()) {
    return new RejectedStream<grpc::ServerWriteReactor<v1::TraverseResponse>>(caller.status());
  }
  return new PagedWriter<v1::TraverseResponse>(
      pool_, edge_, edge_.Begin(context, kMethod, caller->principal, *request),
      [this, context, request] { return queries_.Traverse(*request, CancelCheckFor(context)); });
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

grpc::ServerWriteReactor<v1::DeletionImpactResponse>* LineageServiceImpl::DeletionImpact(
    grpc::CallbackServerContext* context, const v1::DeletionImpactRequest* request) {
  constexpr absl::string_view kMethod = "lineage.v1.LineageService/DeletionImpact";
  absl::StatusOr<Caller> caller =
      edge_.Admit(context, kMethod, *request, {v1::ROLE_DELETION_OFFICER});
  if (!caller.ok()) {
    return new RejectedStream<grpc::ServerWriteReactor<v1::DeletionImpactResponse>>(
        caller.status());
  }
  return new PagedWriter<v1::DeletionImpactResponse>(
      pool_, edge_, edge_.Begin(context, kMethod, caller->principal, *request),
      [this, context, request] {
        return queries_.DeletionImpact(*request, CancelCheckFor(context));
      });
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

}  // namespace lineage
