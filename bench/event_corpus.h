// EventCorpus: realistic lineage events for the ingest benchmark, signed
// ahead of time and grouped into pre-serialized AppendEventsRequest batches,
// so the timed loop neither signs nor serializes (signing would take the
// server's CPU: ~15k signatures/s per core, see MACHINE-LIMITS.md).
//
//   EventCorpus corpus(signer, "bench-1a2b", CorpusShape(), /*threads=*/2);
//   std::vector<EventBatch> batches = corpus.MakeBatches(/*events=*/200000, /*batch_size=*/100);
//
// Each event is a COMPLETE run of one of 41 jobs (ETL, or training one
// model) in one of 4 namespaces: the run, its job (with the job's release as
// code_version), 1-3 input dataset versions read from a shared warehouse
// (7 tables; a new version of each every 5,000 events, with the same digest
// whoever reports it), and one NEW output: a dataset version or a model
// version with its own digest. 500-600 bytes serialized. Event IDs are
// "<run_tag>-<sequence>", unique across every call on one corpus.
//
// Thread-safety: not thread-safe (MakeBatches uses its own threads).
#ifndef LINEAGE_BENCH_EVENT_CORPUS_H_
#define LINEAGE_BENCH_EVENT_CORPUS_H_

#include <grpcpp/support/byte_buffer.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/event_signer.h"
#include "lineage/v1/event.pb.h"
#include "lineage/v1/ingest.pb.h"

namespace lineage::bench {

// One AppendEventsRequest, serialized once. `request` refers to `bytes`
// without copying, so a batch must not move while a send of it is in flight
// (keep batches in a vector that is not resized during a run).
struct EventBatch {
  std::string bytes;         // The serialized AppendEventsRequest.
  grpc::ByteBuffer request;  // `bytes`, as gRPC sends it.
  int events = 0;
};

// Departures from the realistic default that stress the lineage graph.
struct CorpusShape {
  // Every run reports a new code_version for its job (a CI pipeline building
  // every commit), so each job node's property history grows with each run.
  bool code_version_per_run = false;
  // Input dataset versions keep their (name, version) labels but carry a new
  // digest at every mention (a label like "latest" reused for new content),
  // so each label collects ever more version nodes.
  bool fresh_input_digests = false;
};

// A realistic event, deterministic in (`run_tag`, `sequence`, `shape`).
v1::LineageEvent MakeBenchEvent(const std::string& run_tag, uint64_t sequence,
                                const CorpusShape& shape);

class EventCorpus {
 public:
  // `signer` must outlive the corpus. `threads` <= 0 means one per core.
  EventCorpus(const EventSigner& signer, std::string run_tag, CorpusShape shape, int threads);

  // Signs the next `events` events and groups them, `batch_size` per batch
  // (the last batch may be smaller). Each batch's ByteBuffer points into its
  // own `bytes`.
  std::vector<std::unique_ptr<EventBatch>> MakeBatches(int64_t events, int batch_size);

  // Events signed so far.
  int64_t signed_events() const { return next_sequence_; }
  // Mean serialized payload and PAE size of the events signed so far.
  double mean_payload_bytes() const;

 private:
  const EventSigner& signer_;
  std::string run_tag_;
  CorpusShape shape_;
  int threads_;
  int64_t next_sequence_ = 0;
  int64_t payload_bytes_ = 0;
};

// Parses a batch back (for receipt verification at the end).
v1::AppendEventsRequest ParseBatch(const EventBatch& batch);

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_EVENT_CORPUS_H_
