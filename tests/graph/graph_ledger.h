// GraphLedger: one real ledger for graph tests (LedgerHarness: real gRPC on
// loopback, RocksDB in a temp dir, real keys) on a fake clock, with one
// producer key allowed to write every namespace, a LineageService client,
// and a ReferenceGraph fed with every event in the log order the receipts
// report.
//
//   GraphLedger ledger(/*in_memory=*/true);
//   ASSERT_TRUE(ledger.Start().ok());   // log entry 0: the producer key
//   ASSERT_TRUE(ledger.Append(events).ok());
//   ledger.graph().Traverse(...);  ledger.reference().Traverse(...);
//
// Thread-safety: one test thread.
#ifndef LINEAGE_TESTS_GRAPH_GRAPH_LEDGER_H_
#define LINEAGE_TESTS_GRAPH_GRAPH_LEDGER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "tests/graph/graph_client.h"
#include "tests/graph/reference_graph.h"
#include "tests/testing/ledger_harness.h"

namespace lineage::testing {

// The fake clock's start: every GraphLedger begins at the same instant, so
// two ledgers fed the same calls integrate them at the same times.
absl::Time GraphTestStart();

class GraphLedger {
 public:
  explicit GraphLedger(bool in_memory);

  // Starts the server and registers the producer key (log entry 0).
  absl::Status Start();
  // Stops and starts the server on the same data directory.
  absl::Status Restart();

  // Appends `events` in order, `batch` per AppendEvents call, advancing the
  // clock one second before each call; every event must be accepted. The
  // reference learns each event with its receipt's index and time.
  absl::Status Append(const std::vector<v1::LineageEvent>& events, size_t batch = 1);
  // The same, signed by `signer` (another registered producer key).
  absl::Status Append(const std::vector<v1::LineageEvent>& events, size_t batch,
                      const EventSigner& signer);

  // Every node, from SearchNodes (BASIC view), by ID. Fails if two nodes
  // share a natural key.
  absl::StatusOr<std::map<uint64_t, v1::Node>> AllNodes(const v1::AsOf& as_of = {});
  // Node ID -> natural key, and back.
  absl::Status LoadKeys();
  const std::string& KeyOf(uint64_t id) const;
  uint64_t IdOf(const std::string& key) const;

  // The latest tree size.
  absl::StatusOr<uint64_t> TreeSize();

  FakeClock& clock() { return clock_; }
  LedgerHarness& harness() { return *harness_; }
  GraphClient& graph() { return *graph_; }
  ReferenceGraph& reference() { return reference_; }
  const ReferenceGraph& reference() const { return reference_; }
  const EventSigner& signer() const { return *signer_; }

 private:
  FakeClock clock_;
  std::unique_ptr<LedgerHarness> harness_;
  std::unique_ptr<GraphClient> graph_;
  std::unique_ptr<EventSigner> signer_;
  ReferenceGraph reference_;
  std::map<uint64_t, std::string> keys_;
  std::map<std::string, uint64_t> ids_;
};

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_GRAPH_LEDGER_H_
