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
// The access record is written in two steps (AuditLog::Open, Complete):
// opened, synced, while the query runs and the first page is built and
// serialized (no page leaves before it is durable), then completed with
// every node the whole answer names while the first page is on its way.
// The request's as_of is pinned to a tree size first, so the record says
// exactly which answer was given, and a restart can recompute it
// (WithAnswerOf). A query that fails completes the record with its
// status; an answer that then fails part-way (the caller stops reading, a
// page cannot be built) gets a second record with that failure.
//
//   auto request = ParseRequest<v1::TraverseRequest>(*raw);  // before admission
//   return new PagedWriter<v1::TraverseRequest, v1::TraverseResponse>(
//       pool, edge, record, *std::move(request), {.pin = ..., .start = ...});
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

// `record` (a call's access record, as Begin or Open made it) with the
// answer fields of the answer `source` gives: every node it names, and the
// namespaces of its nodes.
template <typename Page>
absl::StatusOr<v1::AccessRecord> WithAnswerOf(v1::AccessRecord record, PageSource<Page>& source) {
  std::vector<uint64_t> ids;
  std::set<std::string> namespaces(record.namespaces().begin(), record.namespaces().end());
  if (absl::Status named = source.NamedNodes(ids, namespaces, kMaxRecordedNamespaces);
      !named.ok()) {
    return named;
  }
  MergeIds(record, ids, namespaces);
  return record;
}

template <typename Request, typename Page>
class PagedWriter final : public RawWriteReactor {
 public:
  struct Query {
    // Fixes the request's as_of to the tree size it names now; returns it.
    std::function<absl::StatusOr<uint64_t>(Request&)> pin;
    // Runs the query (on the pool) over the call's own copy of the request.
    std::function<absl::StatusOr<std::unique_ptr<PageSource<Page>>>(const Request&)> start;
  };

  PagedWriter(WorkerPool& pool, ServiceEdge& edge, v1::AccessRecord record, Request request,
              Query query)
      : pool_(pool), edge_(edge), call_(std::move(record)), request_(std::move(request)) {
    pool_.Schedule([this, query = std::move(query)] { Begin(query); });
  }

  // After every page but the last (which goes with the status).
  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("the client stopped reading"));
      return;
    }
    pool_.Schedule([this] {
      absl::Status status;
      {
        absl::MutexLock lock(&source_mu_);
        status = Produce();
      }
      if (!status.ok()) {
        End(status);
      } else {
        Send();
      }
    });
  }

  void OnDone() override { Release(); }

 private:
  // On the pool: the record is opened (synced) while the query runs and
  // the first page is built.
  void Begin(const Query& query) {
    absl::StatusOr<uint64_t> size = query.pin(request_);
    if (!size.ok()) {
      End(size.status());
      return;
    }
    v1::AccessRecord open = call_;
    open.set_tree_size(*size);
    open.set_pending_request(request_.SerializeAsString());
    edge_.Open(std::move(open), [this](absl::StatusOr<v1::AccessRecord> opened) {
      opened_ = std::move(opened);
      Arrived();
    });
    absl::StatusOr<std::unique_ptr<PageSource<Page>>> source = query.start(request_);
    if (source.ok()) {
      source_ = *std::move(source);
      page_status_ = Produce();
    } else {
      page_status_ = source.status();
    }
    Arrived();
  }

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
    if (!opened_.ok()) {
      Finish(ToGrpcStatus(opened_.status()));  // Nothing was sent.
      return;
    }
    if (!page_status_.ok()) {
      const absl::Status status = page_status_;
      edge_.Complete(*opened_, status,
                     [this, status](absl::Status) { Finish(ToGrpcStatus(status)); });
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      ++refs_;  // RecordAnswer's.
    }
    Send();
    // The answer's nodes, for its record, while the page is on its way.
    pool_.Schedule([this] {
      RecordAnswer();
      Release();
    });
  }

  void RecordAnswer() {
    absl::StatusOr<v1::AccessRecord> answered;
    {
      absl::MutexLock lock(&source_mu_);
      answered = WithAnswerOf(*opened_, *source_);
    }
    if (answered.ok()) {
      edge_.Complete(*std::move(answered), absl::OkStatus(), nullptr);
    } else {
      edge_.Complete(*opened_,
                     absl::InternalError(absl::StrCat(
                         "the answer was sent, but listing its nodes for this record failed: ",
                         answered.status().message())),
                     nullptr);
    }
  }

  // Records the call's failure `status` (its only record, or the second
  // after the answer's) and then finishes with it.
  void End(const absl::Status& status) {
    edge_.Record(call_, status, [this, status](absl::Status) { Finish(ToGrpcStatus(status)); });
  }

  void Release() {
    bool last;
    {
      absl::MutexLock lock(&mu_);
      last = --refs_ == 0;
    }
    if (last) delete this;
  }

  WorkerPool& pool_;
  ServiceEdge& edge_;
  const v1::AccessRecord call_;  // The request's part of the record.
  Request request_;              // As received, then with as_of pinned.
  // The first page (or the query's failure) and the opened record: both
  // must arrive before anything is sent.
  absl::Mutex mu_;
  int awaited_ ABSL_GUARDED_BY(mu_) = 2;
  // gRPC's (until OnDone) and, once the answer is sent, RecordAnswer's.
  int refs_ ABSL_GUARDED_BY(mu_) = 1;
  absl::StatusOr<v1::AccessRecord> opened_;  // Set before its Arrived.
  absl::Status page_status_;                 // Set before its Arrived.
  // Pages are built, and the answer's nodes listed, one at a time.
  absl::Mutex source_mu_;
  std::unique_ptr<PageSource<Page>> source_;
  google::protobuf::Arena arena_;
  grpc::ByteBuffer wire_;  // The page being written, serialized.
  bool last_ = false;      // wire_ is the last page.
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_PAGED_WRITER_H_
