// IngestLoad: N concurrent ingest clients over loopback, each on its own
// gRPC channel (its own TCP connection), sending pre-serialized
// AppendEventsRequest batches and timing each batch's acknowledgement.
//
//   ASSIGN_OR_RETURN(auto load, IngestLoad::Connect("127.0.0.1:50051", 4, IngestMode::kStream));
//   LoadResult r = load->RunClosedLoop(batches, /*inflight_per_client=*/4, {});
//   LoadResult paced = load->RunOpenLoop(batches, absl::Milliseconds(20), {});
//
// Two ways to send, chosen once per IngestLoad:
//   kStream: one StreamEvents bidi stream per client per run; several
//            batches in flight on it, answered in order.
//   kUnary:  AppendEvents calls, several in flight per client.
// Both use gRPC's callback API with the requests as ByteBuffers, so the
// client serializes nothing and runs no threads of its own while timing
// (closed loop) or just one pacing thread (open loop).
//
// A batch counts as done only when every receipt in it is ACCEPTED; any
// other outcome (RPC error, DUPLICATE, REJECTED) is a failure: the run stops
// sending and reports the first failure's message.
//
// Thread-safety: run one Run* at a time.
#ifndef LINEAGE_BENCH_INGEST_LOAD_H_
#define LINEAGE_BENCH_INGEST_LOAD_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/event_corpus.h"
#include "lineage/v1/ingest.pb.h"

namespace lineage::bench {

enum class IngestMode { kStream, kUnary };

// "stream" or "unary".
const char* IngestModeName(IngestMode mode);

// Times are steady-clock nanoseconds.
struct BatchTiming {
  int64_t due_ns = 0;    // Open loop: the scheduled send time. Closed loop: handed to gRPC.
  int64_t acked_ns = 0;  // The response was received (0: never).
  int events = 0;
};

struct LoadResult {
  int64_t start_ns = 0;  // First batch due.
  int64_t end_ns = 0;    // Last acknowledgement.
  int64_t accepted_events = 0;
  int64_t batches_done = 0;  // Fully accepted batches.
  int64_t failed_batches = 0;
  std::string first_error;           // Empty if none failed.
  std::vector<BatchTiming> timings;  // Indexed like the batches.
  // Responses of the batches whose indexes were asked for.
  std::map<int, v1::AppendEventsResponse> kept;

  bool ok() const { return failed_batches == 0 && first_error.empty(); }
  double seconds() const { return static_cast<double>(end_ns - start_ns) * 1e-9; }
  double events_per_second() const {
    return seconds() > 0 ? static_cast<double>(accepted_events) / seconds() : 0;
  }
};

class IngestLoad {
 public:
  // One channel per client to `address`, each made distinct by a channel
  // argument so that every client has its own connection; waits until all
  // are connected. UNAVAILABLE if one does not connect within 10 s.
  static absl::StatusOr<std::unique_ptr<IngestLoad>> Connect(const std::string& address,
                                                             int clients, IngestMode mode);
  ~IngestLoad();

  // Sends every batch as fast as acknowledgements allow, keeping
  // `inflight_per_client` batches outstanding on each client. Returns once
  // all are answered (or after the first failure, once those in flight are).
  LoadResult RunClosedLoop(const std::vector<std::unique_ptr<EventBatch>>& batches,
                           int inflight_per_client, const std::set<int>& keep_responses);

  // Open loop: batch i is due at start + i * interval on client i % N and is
  // sent then, whether or not earlier batches were answered. Latency is
  // measured from the due time, so a late send (coordinated omission) counts
  // against the ledger, not in its favour.
  LoadResult RunOpenLoop(const std::vector<std::unique_ptr<EventBatch>>& batches,
                         absl::Duration interval, const std::set<int>& keep_responses);

  int clients() const { return static_cast<int>(channels_.size()); }
  IngestMode mode() const { return mode_; }

 private:
  class Run;
  class Lane;
  class UnaryLane;
  class StreamLane;

  IngestLoad(std::vector<std::shared_ptr<grpc::Channel>> channels, IngestMode mode);
  std::vector<std::unique_ptr<Lane>> OpenLanes(Run& run);

  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  IngestMode mode_;
  // Lanes of finished runs. Kept until the end: a gRPC thread may still be
  // returning from a lane's last callback when its run ends.
  std::vector<std::unique_ptr<Lane>> retired_;
};

// Steady-clock nanoseconds now.
int64_t NowNanos();

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_INGEST_LOAD_H_
