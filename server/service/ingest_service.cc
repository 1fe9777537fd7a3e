#include "server/service/ingest_service.h"

#include <atomic>
#include <deque>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/service/grpc_status.h"
#include "server/service/unary.h"

namespace lineage {
namespace {

// One StreamEvents call. Lifetime: gRPC holds one reference until OnDone,
// and every batch inside the ledger holds one; the last Unref deletes it.
class AppendStream final
    : public grpc::ServerBidiReactor<v1::AppendEventsRequest, v1::AppendEventsResponse> {
 public:
  AppendStream(Ledger& ledger, const AccessControl& access, Caller caller, uint64_t max_events)
      : ledger_(ledger), access_(access), caller_(std::move(caller)), max_events_(max_events) {
    absl::MutexLock lock(&mu_);
    ProgressLocked();
  }

  void OnReadDone(bool ok) override {
    Slot* submit = nullptr;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (!ok) {
        half_closed_ = true;
      } else if (!finished_ && error_.ok()) {
        events_ += static_cast<uint64_t>(next_->request.events_size());
        absl::Status allowed =
            events_ > max_events_
                ? absl::ResourceExhaustedError(absl::StrCat(
                      "this stream sent more than ", max_events_, " events; open a new stream"))
                : access_.ChargeEvents(caller_, next_->request.events_size());
        if (!allowed.ok()) {
          error_ = allowed;
        } else {
          submit = next_.get();
          pending_.push_back(std::move(next_));
          refs_.fetch_add(1);
        }
      }
      ProgressLocked();
    }
    if (submit == nullptr) return;
    // Outside the lock: the ledger may call back on this thread.
    ledger_.AppendEvents(submit->request, caller_.AsProducer(),
                         [this, submit](absl::StatusOr<v1::AppendEventsResponse> r) {
      {
        absl::MutexLock lock(&mu_);
        submit->done = true;
        if (r.ok()) {
          submit->response = *std::move(r);
        } else {
          submit->failed = true;
          if (error_.ok()) error_ = r.status();
        }
        ProgressLocked();
      }
      Unref();
    });
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    pending_.pop_front();
    if (!ok && error_.ok()) error_ = absl::CancelledError("the client stopped reading receipts");
    ProgressLocked();
  }

  void OnDone() override { Unref(); }

 private:
  struct Slot {
    v1::AppendEventsRequest request;
    v1::AppendEventsResponse response;
    bool done = false;
    bool failed = false;
  };

  void Unref() {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  // Writes the oldest ready response, keeps reads going while there is room,
  // and finishes once everything is answered or a batch failed.
  void ProgressLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    if (!writing_ && !pending_.empty() && pending_.front()->done && !pending_.front()->failed) {
      writing_ = true;
      StartWrite(&pending_.front()->response);
    }
    if (!error_.ok()) {
      // Answer what came before the failed batch, then end the stream.
      if (!writing_ && (pending_.empty() || pending_.front()->failed)) {
        finished_ = true;
        Finish(ToGrpcStatus(error_));
      }
      return;
    }
    if (!reading_ && !half_closed_ &&
        static_cast<int>(pending_.size()) < IngestServiceImpl::kMaxInFlightPerStream) {
      next_ = std::make_unique<Slot>();
      reading_ = true;
      StartRead(&next_->request);
    }
    if (half_closed_ && pending_.empty() && !writing_ && !reading_) {
      finished_ = true;
      Finish(grpc::Status::OK);
    }
  }

  Ledger& ledger_;
  const AccessControl& access_;
  const Caller caller_;
  const uint64_t max_events_;
  uint64_t events_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int> refs_{1};
  absl::Mutex mu_;
  std::unique_ptr<Slot> next_ ABSL_GUARDED_BY(mu_);             // Being read into.
  std::deque<std::unique_ptr<Slot>> pending_ ABSL_GUARDED_BY(mu_);  // Read, in order.
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool half_closed_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerUnaryReactor* IngestServiceImpl::AppendEvents(grpc::CallbackServerContext* context,
                                                          const v1::AppendEventsRequest* request,
                                                          v1::AppendEventsResponse* response) {
  absl::StatusOr<Caller> caller =
      edge_.Admit(context, "lineage.v1.IngestService/AppendEvents", *request, {v1::ROLE_PRODUCER});
  if (!caller.ok()) return Reject(context, caller.status());
  absl::Status allowed = edge_.access().ChargeEvents(*caller, request->events_size());
  if (!allowed.ok()) return Reject(context, allowed);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ledger_.AppendEvents(*request, caller->AsProducer(), CompleteWith(reactor, response));
  return reactor;
}

grpc::ServerBidiReactor<v1::AppendEventsRequest, v1::AppendEventsResponse>*
IngestServiceImpl::StreamEvents(grpc::CallbackServerContext* context) {
  absl::StatusOr<Caller> caller = edge_.Admit(context, "lineage.v1.IngestService/StreamEvents",
                                              v1::AppendEventsRequest(), {v1::ROLE_PRODUCER});
  if (!caller.ok()) {
    return new RejectedStream<
        grpc::ServerBidiReactor<v1::AppendEventsRequest, v1::AppendEventsResponse>>(caller.status());
  }
  return new AppendStream(ledger_, edge_.access(), *std::move(caller), max_events_per_stream_);
}

}  // namespace lineage
