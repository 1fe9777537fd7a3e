#include "server/service/lineage_service.h"

#include <google/protobuf/arena.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/service/answer_nodes.h"
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

// Streams the pages of a PageSource, producing each on the pool. The
// access record, naming every node of the whole answer, is written as soon
// as the query has run and the first page is built while it is synced: no
// page leaves before the record is durable. An answer that then fails
// part-way (the caller stops reading, a page cannot be built) gets a
// second record with that failure.
template <typename Page>
class PagedWriter final : public grpc::ServerWriteReactor<Page> {
 public:
  using Start = std::function<absl::StatusOr<std::unique_ptr<PageSource<Page>>>()>;

  PagedWriter(WorkerPool& pool, ServiceEdge& edge, v1::AccessRecord record, Start start)
      : pool_(pool), edge_(edge), call_(std::move(record)) {
    pool_.Schedule([this, start = std::move(start)] {
      absl::StatusOr<std::unique_ptr<PageSource<Page>>> source = start();
      if (!source.ok()) {
        End(source.status());
        return;
      }
      source_ = *std::move(source);
      std::vector<uint64_t> ids;
      std::set<std::string> namespaces(call_.namespaces().begin(), call_.namespaces().end());
      if (absl::Status named = source_->NamedNodes(ids, namespaces, kMaxRecordedNamespaces);
          !named.ok()) {
        End(named);
        return;
      }
      v1::AccessRecord answer = call_;
      MergeIds(answer, ids, namespaces);
      edge_.Record(std::move(answer), absl::OkStatus(), [this](absl::Status durable) {
        record_status_ = std::move(durable);
        Arrived();
      });
      page_status_ = Produce();
      Arrived();
    });
  }

  // After every page but the last (which goes with the status).
  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("the client stopped reading"));
      return;
    }
    pool_.Schedule([this] {
      if (absl::Status status = Produce(); !status.ok()) {
        End(status);
      } else {
        Send();
      }
    });
  }

  void OnDone() override { delete this; }

 private:
  // Builds the next page into page_.
  absl::Status Produce() {
    // Each page on a fresh arena: building is bump allocation, and the
    // previous page (written by now) is freed at once.
    page_ = nullptr;
    arena_.Reset();
    page_ = google::protobuf::Arena::CreateMessage<Page>(&arena_);
    return source_->Next(*page_);
  }

  void Send() {
    if (page_->done()) {
      // The last page and the status in one write: no second round.
      this->StartWriteAndFinish(page_, grpc::WriteOptions(), grpc::Status::OK);
    } else {
      this->StartWrite(page_);
    }
  }

  // The record is durable (or failed) or the first page is built; the
  // second of the two to arrive goes on.
  void Arrived() {
    {
      absl::MutexLock lock(&mu_);
      if (--awaited_ > 0) return;
    }
    if (!record_status_.ok()) {
      this->Finish(ToGrpcStatus(record_status_));  // Nothing was sent.
    } else if (!page_status_.ok()) {
      End(page_status_);
    } else {
      Send();
    }
  }

  // Records the call's failure `status` (its only record, or the second
  // after the answer's) and then finishes with it.
  void End(const absl::Status& status) {
    edge_.Record(call_, status, [this, status](absl::Status) { this->Finish(ToGrpcStatus(status)); });
  }

  WorkerPool& pool_;
  ServiceEdge& edge_;
  const v1::AccessRecord call_;  // The request's part of the record.
  std::unique_ptr<PageSource<Page>> source_;
  google::protobuf::Arena arena_;
  Page* page_ = nullptr;  // On arena_; the page being written.
  // The first page and the record: both must arrive before it is sent.
  absl::Mutex mu_;
  int awaited_ ABSL_GUARDED_BY(mu_) = 2;
  absl::Status record_status_;  // Set before its Arrived.
  absl::Status page_status_;    // Set before its Arrived.
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
