// The integrity check of the lineage graph: a replay of the log through the
// indexer matches what a real server stored, and damage is named.
#include "server/graph/graph_checker.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/graph_schema.h"
#include "tests/testing/events.h"
#include "tests/testing/ledger_harness.h"

namespace lineage {
namespace {

using ::lineage::testing::LedgerHarness;
using ::lineage::testing::MakeRunEvent;

class GraphCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    auto signer = harness_.AddProducer({"*"});
    ASSERT_TRUE(signer.ok());
    std::vector<v1::SignedEvent> batch;
    for (int i = 0; i < 40; ++i) {
      v1::LineageEvent e = MakeRunEvent("acme", absl::StrCat("g", i));
      // Chain the runs: each reads the previous one's output.
      if (i > 0) {
        *e.mutable_inputs(0)->mutable_dataset() =
            MakeRunEvent("acme", absl::StrCat("g", i - 1)).outputs(0).dataset();
      }
      batch.push_back(signer->Sign(e));
    }
    ASSERT_TRUE(harness_.client().AppendEvents(batch).ok());
    vkey_ = harness_.ledger().VerifierKey();
    harness_.Stop();
  }

  IntegrityReport Check() {
    IntegrityChecker::Options options;
    options.derived_index_checkers.push_back(GraphCheckerFactory());
    absl::StatusOr<IntegrityReport> report =
        VerifyDatabase(harness_.data_dir(), *NoteVerifier::Parse(vkey_), std::move(options));
    EXPECT_TRUE(report.ok()) << report.status();
    return *report;
  }

  void Damage(Column column, const std::string& key, const std::string& value) {
    auto db = Database::Open({.path = harness_.data_dir()});
    ASSERT_TRUE(db.ok());
    WriteBatch batch(**db);
    if (value.empty()) {
      batch.Delete(column, key);
    } else {
      batch.Put(column, key, value);
    }
    ASSERT_TRUE((*db)->Write(batch, true).ok());
  }

  LedgerHarness harness_;
  std::string vkey_;
};

TEST_F(GraphCheckerTest, ReplayMatchesWhatTheServerStored) {
  const IntegrityReport report = Check();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.finding_count, 0u);
}

TEST_F(GraphCheckerTest, ADeletedEdgeIsNamed) {
  // Node 1 is the first event's job; it executes run 2 (first mentions).
  std::string key;
  {
    auto db = Database::Open({.path = harness_.data_dir()});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Scan(Column::kGraphOut, "", "",
                           [&](absl::string_view k, absl::string_view) {
                             key = std::string(k);
                             return false;
                           })
                    .ok());
  }
  ASSERT_FALSE(key.empty());
  Damage(Column::kGraphOut, key, "");
  const IntegrityReport report = Check();
  EXPECT_FALSE(report.ok());
  ASSERT_FALSE(report.findings.empty());
  EXPECT_EQ(report.findings[0].column, "graph_out");
  EXPECT_THAT(report.findings[0].problem, ::testing::HasSubstr("missing"));
}

TEST_F(GraphCheckerTest, AForgedEdgeAndAChangedRecordAreNamed) {
  Damage(Column::kGraphOut, graph_schema::EdgeKey(3, v1::EDGE_KIND_PRODUCED, 1),
         std::string(8, '\0'));
  Damage(Column::kGraphNodes, graph_schema::NodeIdKey(2), "garbage");
  const IntegrityReport report = Check();
  std::vector<std::string> columns;
  for (const IntegrityFinding& f : report.findings) columns.push_back(f.column);
  EXPECT_THAT(columns, ::testing::Contains("graph_out"));
  EXPECT_THAT(columns, ::testing::Contains("graph_nodes"));
}

}  // namespace
}  // namespace lineage
