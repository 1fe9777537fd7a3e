// PagedWriter: streams the pages of a PageSource as a server-streaming
// call's answer, producing and serializing each page on the query pool.
//
// The methods it serves are registered raw (grpc::ByteBuffer in and out,
// the generated WithRawCallbackMethod_*), for two reasons:
//  - a page is serialized on the pool while its access record is synced,
//    not afterwards on the access log's writer thread, where gRPC would
//    serialize a typed message inside the record's callback (0.2 ms of a
//    90 KB deletion impact page, on the critical path);
//  - a request that does not parse gets INVALID_ARGUMENT naming the
//    message, where gRPC 1.51's typed callback handler answers
//    UNIMPLEMENTED with no message at all.
//
// The access record, naming every node of the whole answer, is written as
// soon as the query has run, and the first page is built and serialized
// while it is synced: no page leaves before the record is durable. An
// answer that then fails part-way (the caller stops reading, a page cannot
// be built) gets a second record with that failure.
//
//   auto request = ParseRequest<v1::TraverseRequest>(*raw);  // before admission
//   return new PagedWriter<v1::TraverseRequest, v1::TraverseResponse>(
//       pool, edge, record, *std::move(request), [](const v1::TraverseRequest& r) { ... });
//
// Thread-safety: one per call; gRPC and the pool drive it.
#ifndef LINEAGE_SERVER_SERVICE_PAGED_WRITER_H_
#define LINEAGE_SERVER_SERVICE_PAGED_WRITER_H_

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "lineage/v1/audit.pb.h"
#include "server/graph/answer_pages.h"
#include "server/ledger/worker_pool.h"
#include "server/service/answer_nodes.h"
#include "server/service/grpc_status.h"
#include "server/service/service_edge.h"

namespace lineage {

// The raw reactor type of a server-streaming method registered raw.
using RawWriteReactor = grpc::ServerWriteReactor<grpc::ByteBuffer>;

// Parses a raw request; INVALID_ARGUMENT naming the message type if the
// bytes are not one.
template <typename Request>
absl::StatusOr<Request> ParseRequest(const grpc::ByteBuffer& raw) {
  grpc::ByteBuffer bytes(raw);  // Shares the slices; Deserialize consumes its input.
  Request request;
  if (!grpc::SerializationTraits<Request>::Deserialize(&bytes, &request).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the request is not a valid serialized ", Request::descriptor()->full_name(),
                     " (malformed bytes, or a string field that is not UTF-8)"));
  }
  return request;
}

template <typename Request, typename Page>
class PagedWriter final : public RawWriteReactor {
 public:
  // Runs the query (on the pool) over the call's own copy of the request.
  using Start = std::function<absl::StatusOr<std::unique_ptr<PageSource<Page>>>(const Request&)>;

  PagedWriter(WorkerPool& pool, ServiceEdge& edge, v1::AccessRecord record, Request request,
              Start start)
      : pool_(pool), edge_(edge), call_(std::move(record)), request_(std::move(request)) {
    pool_.Schedule([this, start = std::move(start)] {
      absl::StatusOr<std::unique_ptr<PageSource<Page>>> source = start(request_);
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
  // Builds the next page and serializes it into wire_.
  absl::Status Produce() {
    // Each page on a fresh arena: building is bump allocation, and the
    // page is freed at once when it has been serialized.
    arena_.Reset();
    Page* page = google::protobuf::Arena::CreateMessage<Page>(&arena_);
    if (absl::Status built = source_->Next(*page); !built.ok()) return built;
    last_ = page->done();
    wire_.Clear();
    bool own = false;
    const grpc::Status serialized = grpc::SerializationTraits<Page>::Serialize(*page, &wire_, &own);
    arena_.Reset();
    if (!serialized.ok()) {
      return absl::InternalError(
          absl::StrCat("serializing a page of the answer: ", serialized.error_message()));
    }
    return absl::OkStatus();
  }

  void Send() {
    if (last_) {
      // The last page and the status in one write: no second round.
      StartWriteAndFinish(&wire_, grpc::WriteOptions(), grpc::Status::OK);
    } else {
      StartWrite(&wire_);
    }
  }

  // The record is durable (or failed) or the first page is ready; the
  // second of the two to arrive goes on.
  void Arrived() {
    {
      absl::MutexLock lock(&mu_);
      if (--awaited_ > 0) return;
    }
    if (!record_status_.ok()) {
      Finish(ToGrpcStatus(record_status_));  // Nothing was sent.
    } else if (!page_status_.ok()) {
      End(page_status_);
    } else {
      Send();
    }
  }

  // Records the call's failure `status` (its only record, or the second
  // after the answer's) and then finishes with it.
  void End(const absl::Status& status) {
    edge_.Record(call_, status, [this, status](absl::Status) { Finish(ToGrpcStatus(status)); });
  }

  WorkerPool& pool_;
  ServiceEdge& edge_;
  const v1::AccessRecord call_;  // The request's part of the record.
  const Request request_;
  std::unique_ptr<PageSource<Page>> source_;
  google::protobuf::Arena arena_;
  grpc::ByteBuffer wire_;  // The page being written, serialized.
  bool last_ = false;      // wire_ is the last page.
  // The first page and the record: both must arrive before it is sent.
  absl::Mutex mu_;
  int awaited_ ABSL_GUARDED_BY(mu_) = 2;
  absl::Status record_status_;  // Set before its Arrived.
  absl::Status page_status_;    // Set before its Arrived.
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_PAGED_WRITER_H_
