// graph_ingest: generates the benchmark's synthetic lineage graph
// (synthetic_graph.h), signs every event ahead of time, and ingests them
// through the real API (IngestService.AppendEvents, several client threads)
// into a running lineaged. Writes <out_dir>/catalog.tsv (the query start
// points, by digest or subject token) and <out_dir>/ingest.txt (what was
// sent, how long it took).
//
//   graph_ingest --server=127.0.0.1:50051 --key=DATA/keys/dev-producer.pem --out_dir=DIR
//   graph_ingest --plan_only     # the nodes and edges the server will store, no server
//
// --plan_only runs each event through the server's own PlanEvent and
// counts distinct natural keys and edges, so the expected graph size is
// known before spending minutes on ingestion.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "bench/graph/synthetic_graph.h"
#include "client/event_signer.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "lineage/v1/ingest.grpc.pb.h"
#include "lineage/v1/log.grpc.pb.h"
#include "server/graph/event_plan.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "lineaged's gRPC address.");
ABSL_FLAG(std::string, key, "", "Producer private key (PEM), e.g. DATA/keys/dev-producer.pem.");
ABSL_FLAG(std::string, out_dir, ".", "Where catalog.tsv and ingest.txt go.");
ABSL_FLAG(int, clients, 3, "Concurrent ingest clients, each on its own connection.");
ABSL_FLAG(int, batch, 100, "Events per AppendEvents call.");
ABSL_FLAG(int, pipelines, lineage::bench::GraphShape().pipelines, "Teams (graph size).");
ABSL_FLAG(int, days, lineage::bench::GraphShape().days, "Days of history (chain depth).");
ABSL_FLAG(int, samples, 60, "Start points per query category in the catalog.");
ABSL_FLAG(uint64_t, seed, 1, "Seed for choosing start points.");
ABSL_FLAG(bool, plan_only, false, "Count the graph the events make; send nothing.");

namespace lineage::bench {
namespace {

GraphShape ShapeFromFlags() {
  GraphShape shape;
  shape.pipelines = absl::GetFlag(FLAGS_pipelines);
  shape.days = absl::GetFlag(FLAGS_days);
  return shape;
}

std::string Serialize(const v1::LineageEvent& event) {
  std::string payload;
  google::protobuf::io::StringOutputStream stream(&payload);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  event.SerializeToCodedStream(&coded);
  return payload;
}

// The graph the events make, counted with the server's own event planner.
int Plan(const SyntheticGraph& graph) {
  absl::flat_hash_map<std::string, std::pair<uint32_t, v1::NodeKind>> nodes;
  absl::flat_hash_set<std::tuple<uint32_t, uint32_t, uint8_t>> edges;
  std::map<int, uint64_t> node_kinds, edge_kinds;
  uint64_t events = 0, bytes = 0, max_bytes = 0;
  graph.Generate([&](v1::LineageEvent event) {
    ++events;
    const size_t size = event.ByteSizeLong();
    bytes += size;
    max_bytes = std::max<uint64_t>(max_bytes, size);
    const EventPlan plan = PlanEvent(event, 0);
    std::vector<uint32_t> ids;
    for (const NodeMention& n : plan.nodes) {
      auto [it, inserted] =
          nodes.try_emplace(n.natural_key, static_cast<uint32_t>(nodes.size() + 1), n.kind);
      if (inserted) ++node_kinds[n.kind];
      ids.push_back(it->second.first);
    }
    for (const EdgeMention& e : plan.edges) {
      if (ids[e.from] == ids[e.to]) continue;
      if (edges.insert({ids[e.from], ids[e.to], static_cast<uint8_t>(e.kind)}).second) {
        ++edge_kinds[e.kind];
      }
    }
  });
  std::printf("events: %llu (%.0f bytes on average, largest %llu)\n",
              static_cast<unsigned long long>(events), double(bytes) / double(events),
              static_cast<unsigned long long>(max_bytes));
  std::printf("nodes: %zu\n", nodes.size());
  for (auto [kind, n] : node_kinds) {
    std::printf("  %-26s %9llu\n", v1::NodeKind_Name(kind).c_str(),
                static_cast<unsigned long long>(n));
  }
  std::printf("edges: %zu\n", edges.size());
  for (auto [kind, n] : edge_kinds) {
    std::printf("  %-26s %9llu\n", v1::EdgeKind_Name(kind).c_str(),
                static_cast<unsigned long long>(n));
  }
  return 0;
}

absl::Status WriteCatalog(const SyntheticGraph& graph, const std::string& path) {
  const SampleCatalog c = graph.Samples(absl::GetFlag(FLAGS_samples), absl::GetFlag(FLAGS_seed));
  std::string out;
  auto versions = [&](const char* category, const std::vector<VersionRef>& refs) {
    for (const VersionRef& r : refs) {
      absl::StrAppend(&out, category, "\t", static_cast<int>(r.kind), "\t", r.digest, "\t", r.label,
                      "\n");
    }
  };
  auto tokens = [&](const char* category, const std::vector<std::string>& list) {
    for (const std::string& t : list) absl::StrAppend(&out, category, "\t0\t", t, "\t", t, "\n");
  };
  versions("model_version", c.model_versions);
  versions("hub_version", c.hub_versions);
  versions("adhoc_source", c.adhoc_sources);
  tokens("pipeline_subject", c.pipeline_subjects);
  tokens("adhoc_subject", c.adhoc_subjects);
  return ReplaceFile(path, out);
}

// Signs every event, in parallel, in generation order.
std::vector<v1::SignedEvent> SignAll(const SyntheticGraph& graph, const EventSigner& signer) {
  std::vector<std::string> payloads;
  graph.Generate([&](v1::LineageEvent event) { payloads.push_back(Serialize(event)); });
  std::vector<v1::SignedEvent> signed_events(payloads.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  const unsigned n = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < payloads.size();) {
        signed_events[i] = signer.SignPayload(std::move(payloads[i]));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return signed_events;
}

absl::Status Ingest() {
  const SyntheticGraph graph(ShapeFromFlags());
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  RETURN_IF_ERROR(WriteCatalog(graph, out_dir + "/catalog.tsv"));
  ASSIGN_OR_RETURN(std::string pem, ReadSecretFile(absl::GetFlag(FLAGS_key)));
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::FromPem(pem));
  const EventSigner signer(std::move(key));

  auto sign_start = std::chrono::steady_clock::now();
  const std::vector<v1::SignedEvent> events = SignAll(graph, signer);
  uint64_t payload_bytes = 0;
  for (const v1::SignedEvent& e : events) payload_bytes += e.payload().size();
  const double sign_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sign_start).count();
  std::printf("signed %zu events (%.0f MB of payload) in %.1f s\n", events.size(),
              payload_bytes / 1e6, sign_seconds);

  const int batch = absl::GetFlag(FLAGS_batch);
  const size_t batches = (events.size() + batch - 1) / batch;
  std::atomic<size_t> next{0}, done_events{0};
  absl::Mutex mu;
  absl::Status failure;
  auto start = std::chrono::steady_clock::now();
  auto client = [&](int id) {
    grpc::ChannelArguments args;
    args.SetInt("graph_ingest.client", id);  // A connection of its own.
    auto stub = v1::IngestService::NewStub(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials(), args));
    for (size_t b; (b = next.fetch_add(1)) < batches;) {
      v1::AppendEventsRequest request;
      const size_t end = std::min(events.size(), (b + 1) * batch);
      for (size_t i = b * batch; i < end; ++i) *request.add_events() = events[i];
      for (int attempt = 0;; ++attempt) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(5));
        v1::AppendEventsResponse response;
        const grpc::Status status = stub->AppendEvents(&context, request, &response);
        absl::Status error;
        if (!status.ok()) {
          error = absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                               status.error_message());
        } else {
          for (const v1::Receipt& r : response.receipts()) {
            if (r.status() != v1::RECEIPT_STATUS_ACCEPTED &&
                r.status() != v1::RECEIPT_STATUS_DUPLICATE) {
              error = absl::InternalError(
                  absl::StrCat("event ", r.event_id(), " refused: ", r.error_message()));
              break;
            }
          }
        }
        if (error.ok()) break;
        const bool transient = absl::IsUnavailable(error) || absl::IsResourceExhausted(error) ||
                               absl::IsDeadlineExceeded(error);
        if (!transient || attempt >= 5) {
          absl::MutexLock lock(&mu);
          if (failure.ok()) failure = error;
          next = batches;
          return;
        }
        std::this_thread::sleep_for(std::chrono::seconds(1 << attempt));
      }
      done_events += end - b * batch;
    }
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < absl::GetFlag(FLAGS_clients); ++c) threads.emplace_back(client, c);
  std::atomic<bool> finished{false};
  std::thread progress([&] {
    while (!finished) {
      for (int i = 0; i < 100 && !finished; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (finished) break;
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("  %zu / %zu events, %.0f s, %.0f events/s\n", done_events.load(), events.size(),
                  s, done_events.load() / s);
      std::fflush(stdout);
    }
  });
  for (std::thread& t : threads) t.join();
  finished = true;
  progress.join();
  RETURN_IF_ERROR(failure);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("ingested %zu events in %.1f s (%.0f events/s, %d clients, %d per call)\n",
              events.size(), seconds, events.size() / seconds, absl::GetFlag(FLAGS_clients), batch);
  const GraphShape& s = graph.shape();
  return ReplaceFile(
      out_dir + "/ingest.txt",
      absl::StrFormat("events %zu\npayload_bytes %llu\nsign_seconds %.1f\ningest_seconds %.1f\n"
                      "events_per_second %.0f\nclients %d\nbatch %d\npipelines %d\ndays %d\n",
                      events.size(), static_cast<unsigned long long>(payload_bytes), sign_seconds,
                      seconds, events.size() / seconds, absl::GetFlag(FLAGS_clients), batch,
                      s.pipelines, s.days));
}

}  // namespace
}  // namespace lineage::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_plan_only)) {
    return lineage::bench::Plan(lineage::bench::SyntheticGraph(lineage::bench::ShapeFromFlags()));
  }
  const absl::Status status = lineage::bench::Ingest();
  if (!status.ok()) {
    std::fprintf(stderr, "graph_ingest: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
