#include "server/graph/graph_checker.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/graph/event_plan.h"
#include "server/graph/graph_indexer.h"
#include "storage/database.h"
#include "storage/graph_store.h"

namespace lineage {
namespace {

constexpr Column kGraphColumns[] = {Column::kGraphNodes, Column::kGraphKeys, Column::kGraphOut,
                                    Column::kGraphIn,    Column::kGraphNames,
                                    Column::kGraphSubjects, Column::kGraphSearch};
constexpr absl::string_view kGraphMetaKeys[] = {"graph_next_node_id", "graph_edge_count"};
constexpr int kEntriesPerBatch = 1000;
constexpr size_t kRowsPerChunk = 100000;

std::string Readable(absl::string_view bytes) {
  std::string out = absl::CHexEscape(bytes.substr(0, 96));
  if (bytes.size() > 96) absl::StrAppend(&out, "...(", bytes.size(), " bytes)");
  return out;
}

class GraphChecker : public DerivedIndexChecker {
 public:
  explicit GraphChecker(const Database& stored) : stored_(stored) {}

  ~GraphChecker() override {
    scratch_store_.reset();
    scratch_.reset();
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  absl::string_view name() const override { return "lineage graph"; }

  void OnEntry(const CheckedEntry& entry, FindingSink& findings) override {
    if (!Ready(findings) || entry.event == nullptr || entry.leaf == nullptr) return;
    if (batch_ == nullptr) batch_ = std::make_unique<WriteBatch>(*scratch_);
    absl::Status indexed = indexer_->IndexPlan(
        PlanEvent(*entry.event, entry.leaf->integrated_time_micros), entry.index,
        entry.leaf->integrated_time_micros, *batch_);
    if (!indexed.ok()) {
      Fail(findings, absl::StrCat("replaying entry ", entry.index, ": ", indexed.message()));
      return;
    }
    if (++pending_ >= kEntriesPerBatch) Flush(findings);
  }

  void Finish(uint64_t tree_size, FindingSink& findings) override {
    if (!Ready(findings)) return;
    Flush(findings);
    if (failed_) return;
    for (Column column : kGraphColumns) Compare(column, findings);
    for (absl::string_view key : kGraphMetaKeys) {
      absl::StatusOr<std::string> want = scratch_->Get(Column::kMeta, key);
      absl::StatusOr<std::string> got = stored_.Get(Column::kMeta, key);
      const std::string w = want.ok() ? Readable(*want) : "(absent)";
      const std::string g = got.ok() ? Readable(*got) : "(absent)";
      if (w != g) {
        findings.Add({"default", std::string(key), std::nullopt,
                      "the graph counter differs from a replay of the log", w, g});
      }
    }
  }

 private:
  // Opens the scratch database on first use.
  bool Ready(FindingSink& findings) {
    if (failed_) return false;
    if (scratch_ != nullptr) return true;
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/lineage-graph-check-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      Fail(findings, "cannot create a scratch directory for the graph replay");
      return false;
    }
    dir_ = pattern;
    absl::StatusOr<std::unique_ptr<Database>> db =
        Database::Open({.path = dir_, .block_cache_bytes = 32 << 20});
    if (!db.ok()) {
      Fail(findings, absl::StrCat("cannot open the scratch database: ", db.status().message()));
      return false;
    }
    scratch_ = *std::move(db);
    scratch_store_ = std::make_unique<GraphStore>(*scratch_);
    indexer_ = std::make_unique<GraphIndexer>(*scratch_store_, nullptr);
    return true;
  }

  void Flush(FindingSink& findings) {
    if (batch_ == nullptr || failed_) return;
    indexer_->FinishGroup(*batch_);
    absl::Status written = scratch_->Write(*batch_, /*sync=*/false);
    if (!written.ok()) {
      Fail(findings, absl::StrCat("writing the scratch replay: ", written.message()));
      return;
    }
    indexer_->OnCommitted();
    batch_.reset();
    pending_ = 0;
  }

  void Fail(FindingSink& findings, std::string problem) {
    failed_ = true;
    findings.Add({"graph", "", std::nullopt,
                  absl::StrCat("the graph could not be checked: ", problem), "", ""});
  }

  // Merge-joins a column of the stored database with the replay, a chunk
  // of replayed rows at a time (memory stays bounded on big graphs).
  void Compare(Column column, FindingSink& findings) {
    const std::string name(ColumnName(column));
    std::string after;  // Last key compared; both scans resume past it.
    bool first = true;
    while (true) {
      std::vector<std::pair<std::string, std::string>> want;
      const std::string start = first ? "" : after + std::string(1, '\0');
      absl::Status scanned = scratch_->Scan(column, "", start, [&](absl::string_view k, absl::string_view v) {
        want.emplace_back(std::string(k), std::string(v));
        return want.size() < kRowsPerChunk;
      });
      const bool last_chunk = want.size() < kRowsPerChunk;
      size_t i = 0;
      absl::Status stored = stored_.Scan(column, "", start, [&](absl::string_view k, absl::string_view v) {
        if (!last_chunk && k > want.back().first) return false;
        while (i < want.size() && want[i].first < k) Missing(name, want[i++], findings);
        if (i < want.size() && want[i].first == k) {
          if (want[i].second != v) {
            findings.Add({name, Readable(k), std::nullopt, "value differs from a replay of the log",
                          Readable(want[i].second), Readable(v)});
          }
          ++i;
        } else {
          findings.Add({name, Readable(k), std::nullopt, "stored row that no log entry explains",
                        "(absent)", Readable(v)});
        }
        return true;
      });
      while (i < want.size()) Missing(name, want[i++], findings);
      for (const absl::Status& s : {scanned, stored}) {
        if (!s.ok()) {
          findings.Add({name, "", std::nullopt, absl::StrCat("scan failed: ", s.message()), "", ""});
          return;
        }
      }
      if (last_chunk) return;
      after = want.back().first;
      first = false;
    }
  }

  static void Missing(const std::string& name, const std::pair<std::string, std::string>& row,
                      FindingSink& findings) {
    findings.Add({name, Readable(row.first), std::nullopt, "row the log implies is missing",
                  Readable(row.second), "(absent)"});
  }

  const Database& stored_;
  std::string dir_;
  std::unique_ptr<Database> scratch_;
  std::unique_ptr<GraphStore> scratch_store_;
  std::unique_ptr<GraphIndexer> indexer_;
  std::unique_ptr<WriteBatch> batch_;
  int pending_ = 0;
  bool failed_ = false;
};

}  // namespace

DerivedIndexCheckerFactory GraphCheckerFactory() {
  return [](const LogStore& store) -> std::unique_ptr<DerivedIndexChecker> {
    return std::make_unique<GraphChecker>(store.database());
  };
}

}  // namespace lineage
