// graph_phase_bench: where a graph query's time goes inside the server,
// phase by phase, on the benchmark's stored graph (lineaged stopped; its
// RocksDB directory opened read-only), without gRPC:
//
//   load      GraphIndex::Load (what lineaged does at start)
//   traverse  lineage::Traverse over a MemoryGraphView
//   build     the answer's pages, by the page sources lineaged uses
//             (server/graph/answer_pages.h; the ID view; for deletion impact
//             also each node's owner, source and witness)
//   audit     the access record's node list, from the page source before
//             any page is built (PageSource::NamedNodes and MergeIds, as
//             lineaged does)
//   encode    serializing the pages (what gRPC sends)
//   decode    parsing them back and collecting the IDs (the client's part)
//
// The rest of what graph_query_bench measures end to end is gRPC transport,
// thread hand-offs and the durable access-log record written before each
// answer's first page (its group-committed, synced write, not the collecting,
// which is the audit phase).
//
//   graph_phase_bench --db=DATA/db --samples=DIR/samples.tsv
#include <google/protobuf/arena.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "server/graph/graph_index.h"
#include "server/graph/graph_view.h"
#include "server/graph/answer_pages.h"
#include "server/graph/traversal.h"
#include "server/service/answer_nodes.h"
#include "storage/database.h"
#include "storage/graph_store.h"

ABSL_FLAG(std::string, db, "", "lineaged's RocksDB directory (<data_dir>/db); server stopped.");
ABSL_FLAG(std::string, samples, "samples.tsv", "graph_export's samples.tsv.");
ABSL_FLAG(int, max_samples, 20, "Start points per shape.");
ABSL_FLAG(int, repeat, 3, "Times each query is run (the median is kept).");
ABSL_FLAG(int, page_size, 10000, "Nodes per page.");
ABSL_FLAG(std::string, only, "", "Run only the shapes whose title contains this.");
ABSL_FLAG(std::string, impact_witness, "predecessor",
          "DeletionImpact witness form: predecessor or full (as graph_query_bench).");
ABSL_FLAG(std::string, layout, "columns",
          "Answer layout: columns (ANSWER_LAYOUT_COLUMNS, as graph_query_bench asks) or messages.");
ABSL_FLAG(bool, cpu_time, false, "Time phases in thread CPU time rather than wall time.");

namespace lineage::bench {
namespace {

// Wall time, or with --cpu_time this thread's CPU time (steadier on a busy
// machine: time spent waiting for a core is not counted).
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;
  static time_point now() {
    if (!absl::GetFlag(FLAGS_cpu_time)) {
      return time_point(std::chrono::duration_cast<duration>(
          std::chrono::steady_clock::now().time_since_epoch()));
    }
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
};
double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Phases {
  double traverse = 0, build = 0, audit = 0, encode = 0, decode = 0;
  size_t bytes = 0;  // Encoded pages.
  size_t nodes = 0;
  double total() const { return traverse + build + audit + encode + decode; }
};

// An answer's pages, each on its own arena (as lineaged's PagedWriter).
template <typename Page>
struct Pages {
  Page& Add() {
    arenas.push_back(std::make_unique<google::protobuf::Arena>());
    all.push_back(google::protobuf::Arena::CreateMessage<Page>(arenas.back().get()));
    return *all.back();
  }
  size_t size() const { return all.size(); }
  bool empty() const { return all.empty(); }
  std::vector<std::unique_ptr<google::protobuf::Arena>> arenas;
  std::vector<Page*> all;
};

// The answer form graph_query_bench asks lineaged for.
AnswerForm Form() {
  AnswerForm form;
  form.level = v1::NODE_VIEW_ID;
  form.page_size = static_cast<uint32_t>(absl::GetFlag(FLAGS_page_size));
  form.columns = absl::GetFlag(FLAGS_layout) == "columns";
  form.full_paths = !form.columns && absl::GetFlag(FLAGS_impact_witness) == "full";
  return form;
}

KindSet DataFlow() {
  KindSet k;
  for (int e : {v1::EDGE_KIND_INPUT_TO, v1::EDGE_KIND_PRODUCED, v1::EDGE_KIND_SERVES,
                v1::EDGE_KIND_SAME_AS}) {
    k.Add(e);
  }
  return k;
}

// One Traverse answer, phase by phase, as TraversePages builds it.
// The access record's node list of `source`'s whole answer, as lineaged
// makes it before the first page.
template <typename Page>
absl::Status RecordAnswer(PageSource<Page>& source) {
  v1::AccessRecord record;
  std::vector<uint64_t> ids;
  std::set<std::string> namespaces;
  RETURN_IF_ERROR(source.NamedNodes(ids, namespaces, kMaxRecordedNamespaces));
  MergeIds(record, ids, namespaces);
  return absl::OkStatus();
}

absl::StatusOr<Phases> TraverseQuery(const GraphStore& store, const GraphIndex& index,
                                     uint64_t start, bool upstream, uint32_t max_depth) {
  Phases p;
  const uint64_t snapshot = ~uint64_t{0};
  TraversalSpec spec;
  spec.start = {start};
  spec.upstream = upstream;
  spec.max_depth = max_depth;
  spec.edge_kinds = DataFlow();
  spec.limit = 10000000;
  Clock::time_point t = Clock::now();
  TraversalResult result;
  {
    MemoryGraphView view(index, snapshot);
    ASSIGN_OR_RETURN(result, Traverse(view, spec));
  }
  p.traverse = Ms(Clock::now() - t);
  p.nodes = result.returned.size();
  Pages<v1::TraverseResponse> pages;  // On arenas, as lineaged builds them.
  t = Clock::now();
  std::unique_ptr<PageSource<v1::TraverseResponse>> source =
      MakeTraversePages(store, &index, snapshot, {}, std::move(result), Form());
  p.build = Ms(Clock::now() - t);
  t = Clock::now();
  RETURN_IF_ERROR(RecordAnswer(*source));
  p.audit = Ms(Clock::now() - t);
  t = Clock::now();
  do {
    RETURN_IF_ERROR(source->Next(pages.Add()));
  } while (!pages.all.back()->done());
  p.build += Ms(Clock::now() - t);
  std::vector<std::string> wire(pages.size());
  t = Clock::now();
  for (size_t i = 0; i < pages.size(); ++i) pages.all[i]->SerializeToString(&wire[i]);
  p.encode = Ms(Clock::now() - t);
  for (const std::string& w : wire) p.bytes += w.size();
  t = Clock::now();
  std::vector<uint64_t> ids;
  for (const std::string& bytes : wire) {
    v1::TraverseResponse page;
    page.ParseFromString(bytes);
    for (const v1::Node& n : page.nodes()) ids.push_back(n.node_id());
    ids.insert(ids.end(), page.columns().node_ids().begin(), page.columns().node_ids().end());
  }
  p.decode = Ms(Clock::now() - t);
  return p;
}

// One DeletionImpact answer, phase by phase, as ImpactPages builds it.
absl::StatusOr<Phases> ImpactQuery(const GraphStore& store, const GraphIndex& index,
                                   const std::string& token) {
  Phases p;
  const uint64_t snapshot = ~uint64_t{0};
  Clock::time_point t = Clock::now();
  TraversalSpec spec;
  RETURN_IF_ERROR(store.ScanSubject(store.database(), token, [&](uint64_t id, uint64_t) {
    spec.start.push_back(id);
    return true;
  }));
  std::sort(spec.start.begin(), spec.start.end());
  spec.edge_kinds = DataFlow();
  spec.limit = 10000000;
  TraversalResult result;
  {
    MemoryGraphView view(index, snapshot);
    ASSIGN_OR_RETURN(result, Traverse(view, spec));
  }
  p.traverse = Ms(Clock::now() - t);
  for (uint32_t i : result.returned) p.nodes += result.reached[i].depth > 0;
  Pages<v1::DeletionImpactResponse> pages;  // On arenas, as lineaged builds them.
  t = Clock::now();
  std::unique_ptr<PageSource<v1::DeletionImpactResponse>> source =
      MakeImpactPages(store, &index, snapshot, {}, spec.start, std::move(result), Form());
  p.build = Ms(Clock::now() - t);
  t = Clock::now();
  RETURN_IF_ERROR(RecordAnswer(*source));
  p.audit = Ms(Clock::now() - t);
  t = Clock::now();
  do {
    RETURN_IF_ERROR(source->Next(pages.Add()));
  } while (!pages.all.back()->done());
  p.build += Ms(Clock::now() - t);
  std::vector<std::string> wire(pages.size());
  t = Clock::now();
  for (size_t i = 0; i < pages.size(); ++i) pages.all[i]->SerializeToString(&wire[i]);
  p.encode = Ms(Clock::now() - t);
  for (const std::string& w : wire) p.bytes += w.size();
  t = Clock::now();
  std::vector<uint64_t> ids;
  for (const std::string& bytes : wire) {
    v1::DeletionImpactResponse page;
    page.ParseFromString(bytes);
    for (const auto* group :
         {&page.dataset_versions(), &page.runs(), &page.model_versions(), &page.deployments()}) {
      for (const v1::ImpactedNode& n : *group) ids.push_back(n.node().node_id());
    }
    const auto& columns = page.impacted().nodes().node_ids();
    ids.insert(ids.end(), columns.begin(), columns.end());
  }
  p.decode = Ms(Clock::now() - t);
  return p;
}

absl::Status Run() {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                   Database::Open({.path = absl::GetFlag(FLAGS_db), .read_only = true}));
  GraphStore store(*db);
  Clock::time_point t = Clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<GraphIndex> index, GraphIndex::Load(store));
  std::printf("load: GraphIndex::Load %.0f ms (%llu edges)\n", Ms(Clock::now() - t),
              static_cast<unsigned long long>(index->edge_count()));

  ASSIGN_OR_RETURN(std::string text, ReadFile(absl::GetFlag(FLAGS_samples)));
  std::map<std::string, std::vector<std::string>> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() == 3) samples[f[0]].push_back(f[1]);
  }
  struct Shape {
    const char* title;
    const char* category;
    std::function<absl::StatusOr<Phases>(const std::string&)> run;
  };
  auto traverse = [&](bool upstream, uint32_t depth) {
    return [&, upstream, depth](const std::string& s) -> absl::StatusOr<Phases> {
      uint64_t id = 0;
      if (!absl::SimpleAtoi(s, &id)) return absl::InvalidArgumentError(s);
      return TraverseQuery(store, *index, id, upstream, depth);
    };
  };
  auto impact = [&](const std::string& token) { return ImpactQuery(store, *index, token); };
  const Shape shapes[] = {
      {"model version: upstream closure", "model_version", traverse(true, 0)},
      {"hub source: downstream, unbounded", "hub_version", traverse(false, 0)},
      {"hub source: downstream, depth <= 5", "hub_version", traverse(false, 5)},
      {"leaf source: downstream, unbounded", "adhoc_source", traverse(false, 0)},
      {"deletion impact: pipeline subject", "pipeline_subject", impact},
      {"deletion impact: ad hoc subject", "adhoc_subject", impact},
  };
  std::printf("%-38s %9s %10s %10s %10s %10s %10s %10s %10s %8s\n", "shape (medians over starts)",
              "nodes", "answer", "traverse", "build", "audit", "encode", "decode", "total",
              "ns/node");
  for (const Shape& shape : shapes) {
    if (std::string(shape.title).find(absl::GetFlag(FLAGS_only)) == std::string::npos) continue;
    std::vector<std::string> starts = samples[shape.category];
    starts.resize(std::min<size_t>(starts.size(), absl::GetFlag(FLAGS_max_samples)));
    std::vector<Phases> per_start;
    for (const std::string& s : starts) {
      std::vector<Phases> runs;
      for (int r = 0; r < absl::GetFlag(FLAGS_repeat); ++r) {
        ASSIGN_OR_RETURN(Phases p, shape.run(s));
        runs.push_back(p);
      }
      std::sort(runs.begin(), runs.end(),
                [](const Phases& a, const Phases& b) { return a.total() < b.total(); });
      per_start.push_back(runs[runs.size() / 2]);
    }
    if (per_start.empty()) continue;
    auto median = [&](double Phases::*field) {
      std::vector<double> v;
      for (const Phases& p : per_start) v.push_back(p.*field);
      std::sort(v.begin(), v.end());
      return v[v.size() / 2];
    };
    std::vector<size_t> nodes, bytes;
    std::vector<double> totals, per_node;
    for (const Phases& p : per_start) {
      nodes.push_back(p.nodes);
      bytes.push_back(p.bytes);
      totals.push_back(p.total());
      per_node.push_back(p.nodes > 0 ? p.total() * 1e6 / p.nodes : 0);
    }
    std::sort(nodes.begin(), nodes.end());
    std::sort(bytes.begin(), bytes.end());
    std::sort(totals.begin(), totals.end());
    std::sort(per_node.begin(), per_node.end());
    std::printf("%-38s %9zu %8.1fMB %8.2fms %8.2fms %8.2fms %8.2fms %8.2fms %8.2fms %8.0f\n",
                shape.title, nodes[nodes.size() / 2], bytes[bytes.size() / 2] / 1e6,
                median(&Phases::traverse), median(&Phases::build), median(&Phases::audit),
                median(&Phases::encode), median(&Phases::decode), totals[totals.size() / 2],
                per_node[per_node.size() / 2]);
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace lineage::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = lineage::bench::Run();
  if (!status.ok()) {
    std::fprintf(stderr, "graph_phase_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
