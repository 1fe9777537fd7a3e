#include "bench/ingest_load.h"

#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <deque>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "client/ledger_client.h"

namespace lineage::bench {
namespace {

constexpr char kAppendMethod[] = "/lineage.v1.IngestService/AppendEvents";
constexpr char kStreamMethod[] = "/lineage.v1.IngestService/StreamEvents";
using Stub = grpc::TemplatedGenericStub<grpc::ByteBuffer, v1::AppendEventsResponse>;

// OK iff the response has `events` receipts, all ACCEPTED.
absl::Status CheckAllAccepted(const v1::AppendEventsResponse& response, int events) {
  if (response.receipts_size() != events) {
    return absl::InternalError(
        absl::StrCat("got ", response.receipts_size(), " receipts, want ", events));
  }
  for (int i = 0; i < events; ++i) {
    const v1::Receipt& r = response.receipts(i);
    if (r.status() != v1::RECEIPT_STATUS_ACCEPTED) {
      return absl::InternalError(absl::StrCat("receipt ", i, " (event ", r.event_id(),
                                              "): ", v1::ReceiptStatus_Name(r.status()), " ",
                                              r.error_message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

const char* IngestModeName(IngestMode mode) {
  return mode == IngestMode::kStream ? "stream" : "unary";
}

// The bookkeeping of one run: which batches were sent and answered, and how.
class IngestLoad::Run {
 public:
  Run(const std::vector<std::unique_ptr<EventBatch>>& batches, const std::set<int>& keep,
      bool closed_loop)
      : batches_(batches), keep_(keep), closed_loop_(closed_loop) {
    result_.timings.resize(batches.size());
    for (size_t i = 0; i < batches.size(); ++i) result_.timings[i].events = batches[i]->events;
  }

  const EventBatch& batch(int index) const { return *batches_[index]; }

  // Closed loop: the next batch to send, marked due now; -1 when there is
  // none left or the run aborted.
  int TakeNext() {
    absl::MutexLock lock(&mu_);
    return TakeNextLocked(NowNanos());
  }

  // Open loop: records that batch `index` is being sent, due at `due_ns`.
  // False if the run aborted (do not send).
  bool MarkDue(int index, int64_t due_ns) {
    absl::MutexLock lock(&mu_);
    if (aborted_) return false;
    result_.timings[index].due_ns = due_ns;
    if (sent_ == 0) result_.start_ns = due_ns;
    ++sent_;
    return true;
  }

  // Called once per sent batch with its outcome (`response` may be null on
  // failure). Returns the batch the caller should send next on the same
  // client (closed loop), or -1.
  int OnAck(int index, absl::Status status, v1::AppendEventsResponse* response) {
    const int64_t now = NowNanos();
    const int events = batches_[index]->events;
    if (status.ok() && response != nullptr) status = CheckAllAccepted(*response, events);
    absl::MutexLock lock(&mu_);
    BatchTiming& t = result_.timings[index];
    t.acked_ns = now;
    result_.end_ns = std::max(result_.end_ns, now);
    if (status.ok()) {
      result_.accepted_events += events;
      ++result_.batches_done;
      if (keep_.count(index) > 0 && response != nullptr) result_.kept[index] = *response;
    } else {
      ++result_.failed_batches;
      if (result_.first_error.empty()) {
        result_.first_error = absl::StrCat("batch ", index, ": ", status.ToString());
      }
      aborted_ = true;
    }
    ++answered_;
    return closed_loop_ ? TakeNextLocked(now) : -1;
  }

  // Blocks until every batch sent was answered and no more will be sent.
  void WaitAllAnswered(bool sending_done) {
    absl::MutexLock lock(&mu_);
    sending_done_ = sending_done;
    mu_.Await(absl::Condition(
        +[](Run* r) ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) {
          return r->answered_ == r->sent_ && (r->aborted_ || r->sending_done_ ||
                                              r->sent_ == static_cast<int64_t>(r->batches_.size()));
        },
        this));
  }

  bool aborted() {
    absl::MutexLock lock(&mu_);
    return aborted_;
  }

  LoadResult TakeResult() {
    absl::MutexLock lock(&mu_);
    return std::move(result_);
  }

 private:
  int TakeNextLocked(int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (aborted_ || sent_ >= static_cast<int64_t>(batches_.size())) return -1;
    const int index = static_cast<int>(sent_++);
    result_.timings[index].due_ns = now;
    if (index == 0) result_.start_ns = now;
    return index;
  }

  const std::vector<std::unique_ptr<EventBatch>>& batches_;
  const std::set<int>& keep_;
  const bool closed_loop_;
  absl::Mutex mu_;
  int64_t sent_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t answered_ ABSL_GUARDED_BY(mu_) = 0;
  bool aborted_ ABSL_GUARDED_BY(mu_) = false;
  bool sending_done_ ABSL_GUARDED_BY(mu_) = false;
  LoadResult result_ ABSL_GUARDED_BY(mu_);
};

// One client's sending side for one run.
class IngestLoad::Lane {
 public:
  virtual ~Lane() = default;
  // Sends batch `index` (non-blocking); the run's OnAck is called once for it.
  virtual void Send(int index) = 0;
  // Once every batch sent was answered: ends the call(s) and waits for them.
  virtual void Close() = 0;
};

class IngestLoad::UnaryLane final : public Lane {
 public:
  UnaryLane(std::shared_ptr<grpc::Channel> channel, Run& run)
      : stub_(std::move(channel)), run_(run) {}

  void Send(int index) override {
    {
      absl::MutexLock lock(&mu_);
      ++outstanding_;
    }
    auto* call = new Call;
    call->index = index;
    stub_.UnaryCall(&call->context, kAppendMethod, grpc::StubOptions(), &run_.batch(index).request,
                    &call->response, [this, call](grpc::Status status) {
                      const int next = run_.OnAck(call->index, FromGrpcStatus(status),
                                                  status.ok() ? &call->response : nullptr);
                      delete call;
                      if (next >= 0) Send(next);
                      absl::MutexLock lock(&mu_);
                      --outstanding_;
                    });
  }

  void Close() override {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &outstanding_));
  }

 private:
  struct Call {
    int index = 0;
    grpc::ClientContext context;
    v1::AppendEventsResponse response;
  };
  Stub stub_;
  Run& run_;
  absl::Mutex mu_;
  int outstanding_ ABSL_GUARDED_BY(mu_) = 0;
};

// One StreamEvents call: writes batches one after another (gRPC allows one
// write in flight per stream), reads responses in order.
class IngestLoad::StreamLane final
    : public Lane,
      public grpc::ClientBidiReactor<grpc::ByteBuffer, v1::AppendEventsResponse> {
 public:
  StreamLane(std::shared_ptr<grpc::Channel> channel, Run& run)
      : stub_(std::move(channel)), run_(run) {
    stub_.PrepareBidiStreamingCall(&context_, kStreamMethod, grpc::StubOptions(), this);
    StartRead(&response_);
    StartCall();
  }

  void Send(int index) override {
    const grpc::ByteBuffer* write = nullptr;
    absl::Status dead;
    {
      absl::MutexLock lock(&mu_);
      if (done_) {
        dead = status_.ok() ? absl::UnavailableError("stream already ended") : status_;
      } else {
        queue_.push_back(index);
        write = NextWriteLocked();
      }
    }
    if (!dead.ok()) {
      run_.OnAck(index, dead, nullptr);  // The run is aborted: nothing next.
      return;
    }
    if (write != nullptr) StartWrite(write);
  }

  void Close() override {
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      closing_ = true;
      writes_done = TakeWritesDoneLocked();
    }
    if (writes_done) StartWritesDone();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&finished_));
  }

  void OnWriteDone(bool ok) override {
    const grpc::ByteBuffer* write = nullptr;
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) return;  // The stream broke; OnDone reports it.
      write = NextWriteLocked();
      if (write == nullptr) writes_done = TakeWritesDoneLocked();
    }
    if (write != nullptr) StartWrite(write);
    if (writes_done) StartWritesDone();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // No more responses; OnDone follows.
    int index = -1;
    {
      absl::MutexLock lock(&mu_);
      if (!awaiting_.empty()) {
        index = awaiting_.front();
        awaiting_.pop_front();
      }
    }
    v1::AppendEventsResponse response;
    response.Swap(&response_);
    StartRead(&response_);
    if (index < 0) return;  // A response for nothing sent: ignored.
    const int next = run_.OnAck(index, absl::OkStatus(), &response);
    if (next >= 0) Send(next);
  }

  void OnDone(const grpc::Status& status) override {
    std::vector<int> lost;
    absl::Status why;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      status_ = FromGrpcStatus(status);
      lost.assign(awaiting_.begin(), awaiting_.end());
      lost.insert(lost.end(), queue_.begin(), queue_.end());
      awaiting_.clear();
      queue_.clear();
      why = status_.ok() ? absl::UnavailableError("stream ended before the batch was answered")
                         : status_;
    }
    for (int index : lost) run_.OnAck(index, why, nullptr);
    absl::MutexLock lock(&mu_);
    finished_ = true;
  }

 private:
  const grpc::ByteBuffer* NextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || queue_.empty()) return nullptr;
    const int index = queue_.front();
    queue_.pop_front();
    awaiting_.push_back(index);
    writing_ = true;
    return &run_.batch(index).request;
  }

  bool TakeWritesDoneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!closing_ || done_ || writing_ || !queue_.empty() || writes_done_sent_) return false;
    writes_done_sent_ = true;
    return true;
  }

  Stub stub_;
  Run& run_;
  grpc::ClientContext context_;
  v1::AppendEventsResponse response_;  // Being read into.
  absl::Mutex mu_;
  std::deque<int> queue_ ABSL_GUARDED_BY(mu_);     // To write.
  std::deque<int> awaiting_ ABSL_GUARDED_BY(mu_);  // Written (or writing), unanswered.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  bool writes_done_sent_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<IngestLoad>> IngestLoad::Connect(const std::string& address,
                                                                int clients, IngestMode mode) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < clients; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("lineage.bench.client", i);  // Distinct args: a connection of its own.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(64 << 20);
    args.SetMaxSendMessageSize(64 << 20);
    channels.push_back(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(10);
  for (int i = 0; i < clients; ++i) {
    if (!channels[i]->WaitForConnected(deadline)) {
      return absl::UnavailableError(absl::StrCat("client ", i, " could not connect to ", address));
    }
  }
  return std::unique_ptr<IngestLoad>(new IngestLoad(std::move(channels), mode));
}

IngestLoad::IngestLoad(std::vector<std::shared_ptr<grpc::Channel>> channels, IngestMode mode)
    : channels_(std::move(channels)), mode_(mode) {}

IngestLoad::~IngestLoad() = default;

std::vector<std::unique_ptr<IngestLoad::Lane>> IngestLoad::OpenLanes(Run& run) {
  std::vector<std::unique_ptr<Lane>> lanes;
  for (const auto& channel : channels_) {
    if (mode_ == IngestMode::kStream) {
      lanes.push_back(std::make_unique<StreamLane>(channel, run));
    } else {
      lanes.push_back(std::make_unique<UnaryLane>(channel, run));
    }
  }
  return lanes;
}

LoadResult IngestLoad::RunClosedLoop(const std::vector<std::unique_ptr<EventBatch>>& batches,
                                     int inflight_per_client, const std::set<int>& keep_responses) {
  Run run(batches, keep_responses, /*closed_loop=*/true);
  std::vector<std::unique_ptr<Lane>> lanes = OpenLanes(run);
  for (int k = 0; k < inflight_per_client; ++k) {
    for (auto& lane : lanes) {
      const int index = run.TakeNext();
      if (index >= 0) lane->Send(index);
    }
  }
  run.WaitAllAnswered(/*sending_done=*/false);
  for (auto& lane : lanes) {
    lane->Close();
    retired_.push_back(std::move(lane));
  }
  return run.TakeResult();
}

LoadResult IngestLoad::RunOpenLoop(const std::vector<std::unique_ptr<EventBatch>>& batches,
                                   absl::Duration interval, const std::set<int>& keep_responses) {
  Run run(batches, keep_responses, /*closed_loop=*/false);
  std::vector<std::unique_ptr<Lane>> lanes = OpenLanes(run);
  const int64_t step = absl::ToInt64Nanoseconds(interval);
  const int64_t start = NowNanos() + 1'000'000;  // 1 ms to settle.
  for (size_t i = 0; i < batches.size(); ++i) {
    const int64_t due = start + static_cast<int64_t>(i) * step;
    std::this_thread::sleep_until(
        std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
    if (!run.MarkDue(static_cast<int>(i), due)) break;
    lanes[i % lanes.size()]->Send(static_cast<int>(i));
  }
  run.WaitAllAnswered(/*sending_done=*/true);
  for (auto& lane : lanes) {
    lane->Close();
    retired_.push_back(std::move(lane));
  }
  return run.TakeResult();
}

}  // namespace lineage::bench
