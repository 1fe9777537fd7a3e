// What every answer costs before any graph work, measured on the machine
// the benchmark runs on, so small answers can be read against it:
//
//   GrpcRoundTripsMs   grpc.health.v1.Health/Check: a loopback gRPC call that
//                      writes no access record
//   AuditedCallsMs     LineageService.GetNode of one node: a call that, like
//                      every graph query, waits for its access record to be
//                      written and synced before it answers
//   FdatasyncsMs       appending 4 KiB to a file and fdatasync, in the
//                      server's data directory (a synced RocksDB write pays
//                      about this)
//
// Each returns one latency per call, in milliseconds.
//
// Thread-safety: functions; safe to call concurrently.
#ifndef LINEAGE_BENCH_GRAPH_CALL_FLOOR_H_
#define LINEAGE_BENCH_GRAPH_CALL_FLOOR_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace lineage::bench {

absl::StatusOr<std::vector<double>> GrpcRoundTripsMs(std::shared_ptr<grpc::Channel> channel,
                                                     int calls);

absl::StatusOr<std::vector<double>> AuditedCallsMs(std::shared_ptr<grpc::Channel> channel,
                                                   uint64_t node_id, int calls);

absl::StatusOr<std::vector<double>> FdatasyncsMs(const std::string& dir, int calls);

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_GRAPH_CALL_FLOOR_H_
