// graph_export: reads the lineage graph exactly as lineaged stored it (its
// RocksDB directory, opened read-only while the server is stopped) and
// writes it out for PostgreSQL's COPY, so both systems hold the same nodes
// (the server's node IDs) and the same edges:
//
//   nodes.tsv      id, kind                      (lineage.v1.NodeKind values)
//   edges.tsv      src, dst, kind                (lineage.v1.EdgeKind values)
//   subjects.tsv   token, dataset version id     (the subject token index)
//   samples.tsv    category, start, label        (catalog.tsv resolved to IDs)
//   graph.txt      counts by kind
//
//   graph_export --db=DATA/db --catalog=DIR/catalog.tsv --out_dir=DIR
//
// Refuses (exit 1) a graph with SAME_AS edges: the server follows them both
// ways at no depth cost, and the SQL side does not model that.
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/big_endian.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "lineage/storage/graph_record.pb.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/event_plan.h"
#include "storage/database.h"
#include "storage/graph_store.h"

ABSL_FLAG(std::string, db, "", "lineaged's RocksDB directory (<data_dir>/db); server stopped.");
ABSL_FLAG(std::string, catalog, "", "catalog.tsv written by graph_ingest.");
ABSL_FLAG(std::string, out_dir, ".", "Where the .tsv files go.");

namespace lineage::bench {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

absl::StatusOr<File> OpenForWrite(const std::string& path) {
  File f(std::fopen(path.c_str(), "w"));
  if (f == nullptr) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  std::setvbuf(f.get(), nullptr, _IOFBF, 1 << 20);
  return f;
}

absl::Status Export() {
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                   Database::Open({.path = absl::GetFlag(FLAGS_db), .read_only = true}));
  GraphStore store(*db);
  std::map<int, uint64_t> node_kinds, edge_kinds;
  uint64_t nodes = 0, edges = 0, subjects = 0;

  ASSIGN_OR_RETURN(File node_file, OpenForWrite(out_dir + "/nodes.tsv"));
  absl::Status bad;
  RETURN_IF_ERROR(store.ScanNodes(*db, [&](uint64_t id, absl::string_view bytes) {
    storage::GraphNodeRecord record;
    if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      bad = absl::DataLossError(absl::StrCat("node ", id, " does not parse"));
      return false;
    }
    std::fprintf(node_file.get(), "%llu\t%d\n", static_cast<unsigned long long>(id),
                 static_cast<int>(record.kind()));
    ++node_kinds[record.kind()];
    ++nodes;
    return true;
  }));
  RETURN_IF_ERROR(bad);

  ASSIGN_OR_RETURN(File edge_file, OpenForWrite(out_dir + "/edges.tsv"));
  RETURN_IF_ERROR(store.ScanAllEdges(*db, [&](uint64_t from, const StoredEdge& e) {
    std::fprintf(edge_file.get(), "%llu\t%llu\t%d\n", static_cast<unsigned long long>(from),
                 static_cast<unsigned long long>(e.other), static_cast<int>(e.kind));
    ++edge_kinds[e.kind];
    ++edges;
    return true;
  }));
  if (edge_kinds[v1::EDGE_KIND_SAME_AS] != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the graph has ", edge_kinds[v1::EDGE_KIND_SAME_AS],
                     " SAME_AS edges; the SQL side does not model them"));
  }

  // graph_subjects keys: token ‖ 0x00 ‖ dataset version ID (8, big-endian).
  ASSIGN_OR_RETURN(File subject_file, OpenForWrite(out_dir + "/subjects.tsv"));
  RETURN_IF_ERROR(
      db->Scan(Column::kGraphSubjects, "", "", [&](absl::string_view key, absl::string_view) {
        if (key.size() < 10 || key[key.size() - 9] != '\0') {
          bad = absl::DataLossError("a graph_subjects key is malformed");
          return false;
        }
        const uint64_t id = ReadBigEndian<uint64_t>(key.data() + key.size() - 8);
        const absl::string_view token = key.substr(0, key.size() - 9);
        std::fprintf(subject_file.get(), "%.*s\t%llu\n", static_cast<int>(token.size()),
                     token.data(), static_cast<unsigned long long>(id));
        ++subjects;
        return true;
      }));
  RETURN_IF_ERROR(bad);

  // Start points: digests to the node IDs the server gave them.
  ASSIGN_OR_RETURN(std::string catalog, ReadFile(absl::GetFlag(FLAGS_catalog)));
  std::string samples;
  for (absl::string_view line : absl::StrSplit(catalog, '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    int kind = 0;
    if (f.size() != 4 || !absl::SimpleAtoi(f[1], &kind)) {
      return absl::InvalidArgumentError(absl::StrCat("catalog line: ", line));
    }
    std::string start = f[2];  // A subject token stays a token.
    if (kind != 0) {
      absl::StatusOr<uint64_t> id =
          store.FindNode(*db, VersionKeyByDigest(static_cast<v1::NodeKind>(kind), f[2]));
      if (!id.ok()) {
        return absl::NotFoundError(absl::StrCat("catalog: ", f[3], " (", f[2],
                                                ") is not in the graph: ", id.status().message()));
      }
      start = absl::StrCat(*id);
    }
    absl::StrAppend(&samples, f[0], "\t", start, "\t", f[3], "\n");
  }
  RETURN_IF_ERROR(ReplaceFile(out_dir + "/samples.tsv", samples));

  std::string summary = absl::StrFormat("nodes %llu\n", static_cast<unsigned long long>(nodes));
  for (auto [kind, n] : node_kinds) {
    absl::StrAppendFormat(&summary, "  %s %llu\n", v1::NodeKind_Name(kind),
                          static_cast<unsigned long long>(n));
  }
  absl::StrAppendFormat(&summary, "edges %llu\n", static_cast<unsigned long long>(edges));
  for (auto [kind, n] : edge_kinds) {
    if (n == 0) continue;
    absl::StrAppendFormat(&summary, "  %s %llu\n", v1::EdgeKind_Name(kind),
                          static_cast<unsigned long long>(n));
  }
  absl::StrAppendFormat(&summary, "subject_index_entries %llu\n",
                        static_cast<unsigned long long>(subjects));
  std::fputs(summary.c_str(), stdout);
  return ReplaceFile(out_dir + "/graph.txt", summary);
}

}  // namespace
}  // namespace lineage::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const absl::Status status = lineage::bench::Export();
  if (!status.ok()) {
    std::fprintf(stderr, "graph_export: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
