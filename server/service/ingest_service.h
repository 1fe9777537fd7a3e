// gRPC IngestService: AppendEvents (unary) and StreamEvents (bidirectional),
// see proto/lineage/v1/ingest.proto.
//
// Both need the producer role; events are charged to the caller's event
// rate, and must be signed with keys registered to the caller. Accepted
// appends are evidenced by the log itself; refused calls are recorded in the
// access log.
//
// A stream keeps up to kMaxInFlightPerStream batches in the ledger at once
// and writes responses strictly in request order. A batch that fails as a
// whole (an atomic batch with a rejected event, storage unavailable) ends
// the stream with that status after the responses before it.
//
// Thread-safety: safe for concurrent calls. The ledger must outlive it.
#ifndef LINEAGE_SERVER_SERVICE_INGEST_SERVICE_H_
#define LINEAGE_SERVER_SERVICE_INGEST_SERVICE_H_

#include "lineage/v1/ingest.grpc.pb.h"
#include "server/ledger/ledger.h"
#include "server/service/service_edge.h"

namespace lineage {

class IngestServiceImpl final : public v1::IngestService::CallbackService {
 public:
  static constexpr int kMaxInFlightPerStream = 8;

  // `max_events_per_stream`: a stream that sends more ends with
  // RESOURCE_EXHAUSTED (open a new one).
  IngestServiceImpl(Ledger& ledger, ServiceEdge& edge, uint64_t max_events_per_stream)
      : ledger_(ledger), edge_(edge), max_events_per_stream_(max_events_per_stream) {}

  grpc::ServerUnaryReactor* AppendEvents(grpc::CallbackServerContext* context,
                                         const v1::AppendEventsRequest* request,
                                         v1::AppendEventsResponse* response) override;

  grpc::ServerBidiReactor<v1::AppendEventsRequest, v1::AppendEventsResponse>* StreamEvents(
      grpc::CallbackServerContext* context) override;

 private:
  Ledger& ledger_;
  ServiceEdge& edge_;
  const uint64_t max_events_per_stream_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_INGEST_SERVICE_H_
