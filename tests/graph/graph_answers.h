// A fixed battery of LineageService queries answered at one point of the
// log, as text without the checkpoints: two ledgers holding the same graph
// (same node IDs, log indices and times) give the same text, so tests can
// compare "as of" against a replayed prefix, memory against RocksDB, and
// before against after a restart.
//
//   ASSERT_OK_AND_ASSIGN(Answers a, AnswersAt(ledger, as_of));
//   EXPECT_EQ(a.text, b.text);
//   ledger.harness().verifier().VerifyCheckpoint(a.checkpoint);
#ifndef LINEAGE_TESTS_GRAPH_GRAPH_ANSWERS_H_
#define LINEAGE_TESTS_GRAPH_GRAPH_ANSWERS_H_

#include <string>

#include "absl/status/statusor.h"
#include "tests/graph/graph_ledger.h"

namespace lineage::testing {

struct Answers {
  std::string text;
  // The checkpoint every answer named (an error if they differ).
  v1::SignedCheckpoint checkpoint;
  size_t nodes = 0;
};

// Every node (FULL), a traversal each way from all nodes at once and from
// every 8th node alone (edges, FULL view, pages of 7), GetNode of every 8th
// node, traces from every model version and deployment, deletion impact of
// generated subject tokens 0-4 each and of all ten at once, and a few
// searches.
absl::StatusOr<Answers> AnswersAt(GraphLedger& ledger, const v1::AsOf& as_of);

v1::AsOf AtSize(uint64_t tree_size);
v1::AsOf AtTime(absl::Time time);

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_GRAPH_ANSWERS_H_
