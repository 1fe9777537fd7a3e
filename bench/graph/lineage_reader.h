// LineageReader: the graph benchmark's client for LineageService. Each call
// reads the whole answer (every streamed page) and returns just the node
// IDs, so its time is what a caller waits for end to end: request, server
// work, every page over gRPC, parsing (into an arena, as a client reading
// large answers would).
//
//   LineageReader reader(grpc::CreateCustomChannel(address, creds, LineageReader::ChannelArgs()));
//   ASSIGN_OR_RETURN(std::vector<uint64_t> ids, reader.Traverse(request));
//
// Thread-safety: safe for concurrent use (gRPC stubs are).
#ifndef LINEAGE_BENCH_GRAPH_LINEAGE_READER_H_
#define LINEAGE_BENCH_GRAPH_LINEAGE_READER_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "lineage/v1/lineage.grpc.pb.h"

namespace lineage::bench {

class LineageReader {
 public:
  // No limit on received message size: a deletion-impact page carries a
  // witness path per node and can pass gRPC's 4 MB default.
  static grpc::ChannelArguments ChannelArgs();

  explicit LineageReader(std::shared_ptr<grpc::Channel> channel)
      : stub_(v1::LineageService::NewStub(std::move(channel))) {}

  // Every node of every page. INTERNAL if the last page says the answer was
  // truncated (other than by the request's own max_depth); the RPC's
  // status otherwise.
  absl::StatusOr<std::vector<uint64_t>> Traverse(const v1::TraverseRequest& request);

  // Every impacted node (dataset versions, runs, model versions,
  // deployments) of every page. INTERNAL unless the last page is complete.
  absl::StatusOr<std::vector<uint64_t>> DeletionImpact(const v1::DeletionImpactRequest& request);

  // {number of sources} of a Trace.
  absl::StatusOr<std::vector<uint64_t>> TraceSources(const v1::TraceRequest& request);

 private:
  std::unique_ptr<v1::LineageService::Stub> stub_;
};

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_GRAPH_LINEAGE_READER_H_
