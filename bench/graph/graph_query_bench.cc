// graph_query_bench: the same lineage questions asked of a running lineaged
// (LineageService over gRPC) and of PostgreSQL 15 holding the same nodes and
// edges (WITH RECURSIVE ... UNION over libpq), timed client side, answers
// checked equal, latencies and ratios printed side by side.
//
//   graph_query_bench --server=127.0.0.1:50051 --pg="host=127.0.0.1 port=5433 dbname=lineage"
//       --samples=DIR/samples.tsv --lineaged_pid=1234 --results=DIR/results.md
//
// For each query shape: one untimed pass over every start point on both
// systems (warms both caches), then --rounds timed passes, each query sent
// to the two systems back to back in alternating order so machine noise
// falls on both alike. Every answer (warm-up and timed) is compared: both
// sides return the full set of node IDs (or, for Trace, both the number of
// sources); any difference stops the benchmark with exit status 2 and
// prints it.
//
// Edge kinds followed are the data flow ones: INPUT_TO (1), PRODUCED (2),
// SERVES (4); the benchmark graph has no SAME_AS edges (graph_export
// refuses one that does).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "bench/graph/call_floor.h"
#include "bench/graph/lineage_reader.h"
#include "bench/graph/pg_client.h"
#include "common/files.h"
#include "common/status_macros.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "lineaged's gRPC address (plaintext).");
ABSL_FLAG(std::string, pg, "", "libpq connection string of the loaded PostgreSQL.");
ABSL_FLAG(std::string, samples, "samples.tsv", "Start points (graph_export's samples.tsv).");
ABSL_FLAG(int, rounds, 3, "Timed passes over the start points of each shape.");
ABSL_FLAG(int, max_samples, 60, "Start points per shape, at most.");
ABSL_FLAG(int, page_size, 0, "Traverse/DeletionImpact page size (0: the server's default).");
ABSL_FLAG(std::string, impact_witness, "predecessor",
          "DeletionImpact witness form: predecessor (one ID per node, what a deletion "
          "workflow reading large answers asks for) or full (every node's whole path).");
ABSL_FLAG(std::string, layout, "columns",
          "Traverse/DeletionImpact answer layout: columns (ANSWER_LAYOUT_COLUMNS: packed node "
          "IDs, kinds, depths) or messages (one Node message per node).");
ABSL_FLAG(int, lineaged_pid, 0, "lineaged's process ID, to report its memory.");
ABSL_FLAG(std::string, shapes, "", "Comma-separated shape names to run (default: all).");
ABSL_FLAG(std::string, results, "", "Also write the table here (Markdown).");
ABSL_FLAG(int, floor_calls, 300, "Calls for each per-call floor measurement (0: skip).");
ABSL_FLAG(std::string, data_dir, "", "lineaged's data directory (for the fdatasync floor).");
ABSL_FLAG(int, concurrency, 0,
          "After the table, also run each shape from this many concurrent clients on each "
          "side (lineaged: one connection each; PostgreSQL: one session each) for "
          "--concurrent_seconds, and print queries/s and latency (0: skip).");
ABSL_FLAG(double, concurrent_seconds, 5, "Duration of each side's concurrent phase per shape.");

namespace lineage::bench {
namespace {

using Ids = std::vector<uint64_t>;
using Clock = std::chrono::steady_clock;

// Data-flow edges, as the server's Trace and DeletionImpact follow them.
constexpr char kUpstreamAll[] = R"sql(
WITH RECURSIVE up(id) AS (
    SELECT $1::bigint
  UNION
    SELECT e.src FROM edges e JOIN up ON e.dst = up.id WHERE e.kind IN (1, 2, 4))
SELECT id FROM up WHERE id <> $1::bigint)sql";

constexpr char kDownstreamAll[] = R"sql(
WITH RECURSIVE down(id) AS (
    SELECT $1::bigint
  UNION
    SELECT e.dst FROM edges e JOIN down ON e.src = down.id WHERE e.kind IN (1, 2, 4))
SELECT id FROM down WHERE id <> $1::bigint)sql";

// Depth-limited: the depth column makes (id, depth) the unit UNION
// de-duplicates, as in Marquez's lineage query; DISTINCT gives the node set.
constexpr char kDownstream5[] = R"sql(
WITH RECURSIVE down(id, depth) AS (
    SELECT $1::bigint, 0
  UNION
    SELECT e.dst, down.depth + 1 FROM edges e JOIN down ON e.src = down.id
    WHERE down.depth < 5 AND e.kind IN (1, 2, 4))
SELECT DISTINCT id FROM down WHERE id <> $1::bigint)sql";

// Deletion impact: the subject's dataset versions, then everything
// downstream of them, without the versions themselves.
constexpr char kImpact[] = R"sql(
WITH RECURSIVE impact(id) AS (
    SELECT version_id FROM subjects WHERE token = $1
  UNION
    SELECT e.dst FROM edges e JOIN impact ON e.src = impact.id WHERE e.kind IN (1, 2, 4))
SELECT id FROM impact WHERE id NOT IN (SELECT version_id FROM subjects WHERE token = $1))sql";

// Trace's count of sources: dataset versions upstream that nothing flows into.
constexpr char kTraceSources[] = R"sql(
WITH RECURSIVE up(id) AS (
    SELECT $1::bigint
  UNION
    SELECT e.src FROM edges e JOIN up ON e.dst = up.id WHERE e.kind IN (1, 2, 4))
SELECT count(*) FROM up JOIN nodes n ON n.id = up.id
WHERE n.kind = 2
  AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.dst = up.id AND e.kind IN (1, 2, 4)))sql";

struct Shape {
  std::string name;      // For --shapes.
  std::string title;     // In the table.
  std::string category;  // Of samples.tsv.
  std::string sql;       // Prepared as `name`.
  std::function<absl::StatusOr<Ids>(const std::string& start)> server;
  bool counts = false;  // Answers are counts, not node sets.
};

struct Sample {
  std::string start;  // Node ID or subject token.
  std::string label;
};

struct Measured {
  std::vector<double> server_ms, pg_ms;
  std::vector<size_t> answer;  // Per start point (nodes, or the count).
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Nearest-rank percentile.
double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(p * v.size()));
  return v[std::min(v.size(), std::max<size_t>(rank, 1)) - 1];
}

absl::Status CompareAnswers(const Shape& shape, const Sample& sample, Ids server, Ids pg) {
  std::sort(server.begin(), server.end());
  std::sort(pg.begin(), pg.end());
  if (std::adjacent_find(server.begin(), server.end()) != server.end()) {
    return absl::InternalError(
        absl::StrCat(shape.title, " from ", sample.label, ": lineaged returned a node twice"));
  }
  if (server == pg) return absl::OkStatus();
  Ids only_server, only_pg;
  std::set_difference(server.begin(), server.end(), pg.begin(), pg.end(),
                      std::back_inserter(only_server));
  std::set_difference(pg.begin(), pg.end(), server.begin(), server.end(),
                      std::back_inserter(only_pg));
  auto head = [](const Ids& v) {
    return absl::StrJoin(v.begin(), v.begin() + std::min<size_t>(v.size(), 20), ",");
  };
  return absl::InternalError(absl::StrFormat(
      "%s from %s (start %s): answers differ: lineaged %zu, PostgreSQL %zu; only lineaged (%zu): "
      "%s; only PostgreSQL (%zu): %s",
      shape.title, sample.label, sample.start, server.size(), pg.size(), only_server.size(),
      head(only_server), only_pg.size(), head(only_pg)));
}

absl::StatusOr<std::map<std::string, std::vector<Sample>>> ReadSamples(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::map<std::string, std::vector<Sample>> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() != 3) return absl::InvalidArgumentError(absl::StrCat(path, ": ", line));
    out[f[0]].push_back({f[1], f[2]});
  }
  return out;
}

std::string ProcStatus(int pid, const char* field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) {
      long kib = 0;
      std::sscanf(line.c_str() + std::string(field).size() + 1, "%ld", &kib);
      return absl::StrFormat("%.0f MiB", kib / 1024.0);
    }
  }
  return "?";
}

std::vector<Shape> Shapes(LineageReader& reader) {
  const int page_size = absl::GetFlag(FLAGS_page_size);
  const v1::AnswerLayout layout = absl::GetFlag(FLAGS_layout) == "messages"
                                      ? v1::ANSWER_LAYOUT_MESSAGES
                                      : v1::ANSWER_LAYOUT_COLUMNS;
  auto traverse = [&reader, page_size, layout](v1::Direction direction, uint32_t max_depth) {
    return [&reader, direction, max_depth, page_size, layout](const std::string& start) {
      v1::TraverseRequest r;
      uint64_t id = 0;
      if (!absl::SimpleAtoi(start, &id))
        return absl::StatusOr<Ids>(absl::InvalidArgumentError(start));
      r.add_start()->set_node_id(id);
      r.set_direction(direction);
      r.set_max_depth(max_depth);
      for (v1::EdgeKind k :
           {v1::EDGE_KIND_INPUT_TO, v1::EDGE_KIND_PRODUCED, v1::EDGE_KIND_SERVES}) {
        r.add_edge_kinds(k);
      }
      r.set_limit(10000000);
      r.set_view(v1::NODE_VIEW_ID);
      r.set_page_size(page_size);
      r.set_layout(layout);
      return reader.Traverse(r);
    };
  };
  const v1::WitnessForm witness = absl::GetFlag(FLAGS_impact_witness) == "full"
                                      ? v1::WITNESS_FORM_FULL_PATH
                                      : v1::WITNESS_FORM_PREDECESSOR;
  auto impact = [&reader, page_size, witness, layout](const std::string& token) {
    v1::DeletionImpactRequest r;
    r.add_subject_tokens(token);
    r.set_view(v1::NODE_VIEW_ID);
    r.set_page_size(page_size);
    r.set_witness(witness);
    // Columns hold predecessors only: whole paths need messages.
    r.set_layout(witness == v1::WITNESS_FORM_FULL_PATH ? v1::ANSWER_LAYOUT_MESSAGES : layout);
    return reader.DeletionImpact(r);
  };
  auto trace = [&reader](const std::string& start) {
    v1::TraceRequest r;
    uint64_t id = 0;
    if (!absl::SimpleAtoi(start, &id))
      return absl::StatusOr<Ids>(absl::InvalidArgumentError(start));
    r.mutable_target()->set_node_id(id);
    r.set_view(v1::NODE_VIEW_ID);
    return reader.TraceSources(r);
  };
  const auto up = v1::DIRECTION_UPSTREAM, down = v1::DIRECTION_DOWNSTREAM;
  return {
      {"trace_closure", "(a) model version: upstream closure (Traverse)", "model_version",
       kUpstreamAll, traverse(up, 0)},
      {"trace_sources", "(a) model version: Trace, count of sources", "model_version",
       kTraceSources, trace, /*counts=*/true},
      {"hub_down", "(b) hub source: downstream, unbounded", "hub_version", kDownstreamAll,
       traverse(down, 0)},
      {"hub_down5", "(b) hub source: downstream, depth <= 5", "hub_version", kDownstream5,
       traverse(down, 5)},
      {"leaf_down", "(c) leaf source: downstream, unbounded", "adhoc_source", kDownstreamAll,
       traverse(down, 0)},
      {"leaf_down5", "(c) leaf source: downstream, depth <= 5", "adhoc_source", kDownstream5,
       traverse(down, 5)},
      {"impact_pipeline", "(d) deletion impact: pipeline subject", "pipeline_subject", kImpact,
       impact},
      {"impact_adhoc", "(d) deletion impact: ad hoc subject", "adhoc_subject", kImpact, impact},
  };
}

// Many clients at once: what group commit of access records and the query
// pool give under load, against PostgreSQL with as many sessions. Each
// client walks the start points from its own offset until the time is up;
// answers were already checked equal in the sequential part.
struct Concurrent {
  double per_second = 0;
  std::vector<double> ms;
};

using Ask = std::function<absl::Status(const std::string& start)>;

// Runs ask[c] on thread c, over `starts`, for `seconds`.
absl::StatusOr<Concurrent> RunClients(const std::vector<Ask>& ask, double seconds,
                                      const std::vector<Sample>& starts) {
  const size_t clients = ask.size();
  absl::Mutex mu;
  absl::Status failed;
  std::vector<double> all;
  const Clock::time_point t0 = Clock::now();
  const Clock::time_point end =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double> mine;
      for (size_t i = c * starts.size() / clients; Clock::now() < end; ++i) {
        const Clock::time_point q0 = Clock::now();
        if (absl::Status s = ask[c](starts[i % starts.size()].start); !s.ok()) {
          absl::MutexLock lock(&mu);
          failed = s;
          return;
        }
        mine.push_back(Ms(Clock::now() - q0));
      }
      absl::MutexLock lock(&mu);
      all.insert(all.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& t : threads) t.join();
  RETURN_IF_ERROR(failed);
  Concurrent out;
  out.per_second = all.size() / (Ms(Clock::now() - t0) / 1000.0);
  out.ms = std::move(all);
  return out;
}

// `starts_of`: the start points of each shape to run, by shape name.
absl::StatusOr<std::string> ConcurrentTable(
    const std::map<std::string, std::vector<Sample>>& starts_of) {
  const int clients = absl::GetFlag(FLAGS_concurrency);
  const double seconds = absl::GetFlag(FLAGS_concurrent_seconds);
  std::string table = absl::StrCat(
      "| query shape (", clients,
      " clients each) | lineaged queries/s | lineaged p50 / p99 | PostgreSQL queries/s | "
      "PostgreSQL p50 / p99 | throughput ratio |\n|---|---|---|---|---|---|\n");
  // Each lineaged client: its own channel (a distinct argument keeps gRPC
  // from sharing one connection) and reader.
  std::vector<std::unique_ptr<LineageReader>> readers;
  std::vector<std::vector<Shape>> reader_shapes;
  std::vector<std::unique_ptr<PgClient>> sessions;
  for (int c = 0; c < clients; ++c) {
    grpc::ChannelArguments args = LineageReader::ChannelArgs();
    args.SetInt("graph_query_bench.client", c);
    readers.push_back(std::make_unique<LineageReader>(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials(), args)));
    reader_shapes.push_back(Shapes(*readers.back()));
    ASSIGN_OR_RETURN(std::unique_ptr<PgClient> pg, PgClient::Connect(absl::GetFlag(FLAGS_pg)));
    sessions.push_back(std::move(pg));
  }
  for (size_t k = 0; k < reader_shapes[0].size(); ++k) {
    const Shape& shape = reader_shapes[0][k];
    auto starts = starts_of.find(shape.name);
    if (starts == starts_of.end()) continue;
    std::vector<Ask> lineaged_clients, pg_clients;
    for (int c = 0; c < clients; ++c) {
      const Shape& mine = reader_shapes[c][k];
      lineaged_clients.push_back(
          [&mine](const std::string& start) { return mine.server(start).status(); });
      PgClient* session = sessions[c].get();
      RETURN_IF_ERROR(session->Prepare(shape.name, shape.sql, 1));
      pg_clients.push_back([session, name = shape.name](const std::string& start) {
        return session->QueryIds(name, {start}).status();
      });
    }
    ASSIGN_OR_RETURN(Concurrent server, RunClients(lineaged_clients, seconds, starts->second));
    ASSIGN_OR_RETURN(Concurrent pg, RunClients(pg_clients, seconds, starts->second));
    absl::StrAppendFormat(&table, "| %s | %.0f | %.2f / %.2f ms | %.0f | %.2f / %.2f ms | %.1fx |\n",
                          shape.title, server.per_second, Percentile(server.ms, 0.5),
                          Percentile(server.ms, 0.99), pg.per_second, Percentile(pg.ms, 0.5),
                          Percentile(pg.ms, 0.99), server.per_second / pg.per_second);
    std::printf("concurrent %s: lineaged %.0f/s, PostgreSQL %.0f/s\n", shape.name.c_str(),
                server.per_second, pg.per_second);
    std::fflush(stdout);
  }
  return table + "\n";
}

absl::Status Run() {
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials(),
                                LineageReader::ChannelArgs());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::minutes(5))) {
    return absl::UnavailableError(absl::StrCat("lineaged at ", absl::GetFlag(FLAGS_server),
                                               " did not accept a connection within 5 minutes"));
  }
  LineageReader reader(channel);
  ASSIGN_OR_RETURN(std::unique_ptr<PgClient> pg, PgClient::Connect(absl::GetFlag(FLAGS_pg)));
  ASSIGN_OR_RETURN(auto samples, ReadSamples(absl::GetFlag(FLAGS_samples)));
  std::vector<Shape> shapes = Shapes(reader);
  const std::string only = absl::GetFlag(FLAGS_shapes);
  if (!only.empty()) {
    std::vector<std::string> wanted = absl::StrSplit(only, ',');
    shapes.erase(std::remove_if(shapes.begin(), shapes.end(),
                                [&](const Shape& s) {
                                  return std::find(wanted.begin(), wanted.end(), s.name) ==
                                         wanted.end();
                                }),
                 shapes.end());
  }
  std::string settings;
  for (const char* name : {"server_version", "shared_buffers", "work_mem", "effective_cache_size",
                           "random_page_cost", "jit", "max_parallel_workers_per_gather"}) {
    ASSIGN_OR_RETURN(std::string value, pg->QueryValue(absl::StrCat("SHOW ", name)));
    absl::StrAppend(&settings, settings.empty() ? "" : ", ", name, "=", value);
  }
  std::printf("PostgreSQL: %s\n", settings.c_str());

  const int rounds = absl::GetFlag(FLAGS_rounds);
  const size_t max_samples = absl::GetFlag(FLAGS_max_samples);
  std::vector<std::pair<const Shape*, Measured>> results;
  std::map<std::string, std::vector<Sample>> starts_of;  // By shape name.
  for (const Shape& shape : shapes) {
    std::vector<Sample> starts = samples[shape.category];
    if (starts.size() > max_samples) starts.resize(max_samples);
    starts_of[shape.name] = starts;
    if (starts.empty()) return absl::NotFoundError(absl::StrCat("no samples for ", shape.category));
    RETURN_IF_ERROR(pg->Prepare(shape.name, shape.sql, 1));
    Measured m;
    for (int round = -1; round < rounds; ++round) {  // Round -1: warm-up, untimed.
      for (size_t i = 0; i < starts.size(); ++i) {
        const Sample& s = starts[i];
        Ids server_ids, pg_ids;
        double server_ms = 0, pg_ms = 0;
        for (int side : {0, 1}) {
          if ((side == 0) == ((static_cast<int>(i) + round + 2) % 2 == 0)) {
            const Clock::time_point t0 = Clock::now();
            ASSIGN_OR_RETURN(server_ids, shape.server(s.start));
            server_ms = Ms(Clock::now() - t0);
          } else {
            const Clock::time_point t0 = Clock::now();
            ASSIGN_OR_RETURN(pg_ids, pg->QueryIds(shape.name, {s.start}));
            pg_ms = Ms(Clock::now() - t0);
          }
        }
        if (round == -1)
          m.answer.push_back(shape.counts ? (pg_ids.empty() ? 0 : pg_ids[0]) : pg_ids.size());
        RETURN_IF_ERROR(CompareAnswers(shape, s, std::move(server_ids), std::move(pg_ids)));
        if (round >= 0) {
          m.server_ms.push_back(server_ms);
          m.pg_ms.push_back(pg_ms);
        }
      }
    }
    std::vector<size_t> sizes = m.answer;
    std::sort(sizes.begin(), sizes.end());
    std::printf(
        "%-48s n=%zu answers %zu..%zu (median %zu): lineaged p50 %.2f ms p99 %.2f ms; "
        "PostgreSQL p50 %.2f ms p99 %.2f ms\n",
        shape.title.c_str(), starts.size(), sizes.front(), sizes.back(), sizes[sizes.size() / 2],
        Percentile(m.server_ms, 0.5), Percentile(m.server_ms, 0.99), Percentile(m.pg_ms, 0.5),
        Percentile(m.pg_ms, 0.99));
    std::fflush(stdout);
    results.push_back({&shape, std::move(m)});
  }

  // The table. Large shapes (median answer over 1,000 nodes) must be 10x
  // faster at p50 and p99; small ones never slower.
  std::map<std::string, size_t> median_nodes;
  for (const auto& [shape, m] : results) {
    std::vector<size_t> sizes = m.answer;
    std::sort(sizes.begin(), sizes.end());
    median_nodes[shape->category] =
        std::max(median_nodes[shape->category], shape->counts ? 0 : sizes[sizes.size() / 2]);
  }
  std::string table =
      "| query shape | starts x rounds | answer (min / median / max) | lineaged p50 | lineaged p99 "
      "| PostgreSQL p50 | PostgreSQL p99 | speed-up p50 | speed-up p99 | target |\n"
      "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& [shape, m] : results) {
    std::vector<size_t> sizes = m.answer;
    std::sort(sizes.begin(), sizes.end());
    const double s50 = Percentile(m.server_ms, 0.5), s99 = Percentile(m.server_ms, 0.99);
    const double p50 = Percentile(m.pg_ms, 0.5), p99 = Percentile(m.pg_ms, 0.99);
    const bool large = median_nodes[shape->category] > 1000;
    const double want = large ? 10.0 : 1.0;
    const bool met = p50 / s50 >= want && p99 / s99 >= want;
    absl::StrAppendFormat(&table,
                          "| %s | %zu x %d | %zu / %zu / %zu%s | %.2f ms | %.2f ms | %.2f ms | "
                          "%.2f ms | %.1fx | %.1fx | %s %s |\n",
                          shape->title, m.answer.size(), rounds, sizes.front(),
                          sizes[sizes.size() / 2], sizes.back(), shape->counts ? " sources" : "",
                          s50, s99, p50, p99, p50 / s50, p99 / s99,
                          large ? ">= 10x:" : "not slower:", met ? "met" : "MISSED");
  }
  // What any answer costs before graph work: the floor of the small shapes.
  std::string floor;
  if (const int calls = absl::GetFlag(FLAGS_floor_calls); calls > 0) {
    floor = "| per-call floor | p50 | p99 |\n|---|---|---|\n";
    auto row = [&](const std::string& what, const std::vector<double>& ms) {
      absl::StrAppendFormat(&floor, "| %s | %.3f ms | %.3f ms |\n", what, Percentile(ms, 0.5),
                            Percentile(ms, 0.99));
    };
    ASSIGN_OR_RETURN(std::vector<double> grpc_ms, GrpcRoundTripsMs(channel, calls));
    row("lineaged: gRPC round trip that records nothing (grpc.health.v1.Health/Check)", grpc_ms);
    const std::vector<Sample>& leaves = samples["adhoc_source"];
    uint64_t leaf = 0;
    if (!leaves.empty() && absl::SimpleAtoi(leaves[0].start, &leaf)) {
      ASSIGN_OR_RETURN(std::vector<double> audited_ms, AuditedCallsMs(channel, leaf, calls));
      row("lineaged: GetNode of one node (answers once its access record is synced)", audited_ms);
    }
    if (const std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) {
      ASSIGN_OR_RETURN(std::vector<double> sync_ms, FdatasyncsMs(dir, calls));
      row("disk: append 4 KiB + fdatasync in lineaged's data directory", sync_ms);
    }
    RETURN_IF_ERROR(pg->Prepare("floor", "SELECT 1::bigint", 0));
    std::vector<double> pg_ms;
    for (int i = 0; i < calls; ++i) {
      const Clock::time_point t0 = Clock::now();
      ASSIGN_OR_RETURN(Ids one, pg->QueryIds("floor", {}));
      pg_ms.push_back(Ms(Clock::now() - t0));
    }
    row("PostgreSQL: SELECT 1 (prepared, over TCP loopback)", pg_ms);
    floor += "\n";
  }
  std::string concurrent;
  if (absl::GetFlag(FLAGS_concurrency) > 0) {
    ASSIGN_OR_RETURN(concurrent, ConcurrentTable(starts_of));
  }
  std::string memory;
  if (const int pid = absl::GetFlag(FLAGS_lineaged_pid); pid > 0) {
    memory = absl::StrCat("lineaged resident memory: VmRSS ", ProcStatus(pid, "VmRSS:"),
                          ", peak VmHWM ", ProcStatus(pid, "VmHWM:"), "\n");
  }
  const std::string footer = absl::StrCat(memory, "PostgreSQL settings: ", settings, "\n");
  std::printf("\n%s\n%s%s%s", table.c_str(), floor.c_str(), concurrent.c_str(), footer.c_str());
  if (const std::string path = absl::GetFlag(FLAGS_results); !path.empty()) {
    RETURN_IF_ERROR(ReplaceFile(path, absl::StrCat(table, "\n", floor, concurrent, footer)));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace lineage::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = lineage::bench::Run();
  if (!status.ok()) {
    std::fprintf(stderr, "graph_query_bench: %s\n", status.ToString().c_str());
    return absl::IsInternal(status) ? 2 : 1;
  }
  return 0;
}
