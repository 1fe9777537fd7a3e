// A real ledger behind a real gRPC server on loopback, with real RocksDB in a
// temp dir and real Ed25519 keys, plus a client connected to it. Stop() and
// Start() again reopen the same directory with the same log key, as a
// restart would.
#ifndef LINEAGE_TESTS_TESTING_LEDGER_HARNESS_H_
#define LINEAGE_TESTS_TESTING_LEDGER_HARNESS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "client/event_signer.h"
#include "client/ledger_client.h"
#include "client/log_verifier.h"
#include "common/clock.h"
#include "server/ledger/ledger.h"
#include "server/lineage_ledger.h"
#include "server/service/ledger_server.h"
#include "tests/testing/temp_dir.h"

namespace lineage::testing {

class LedgerHarness {
 public:
  // `clock` (optional) must outlive the harness. With `graph_in_memory`
  // false the graph is served from RocksDB only (memory budget 0).
  explicit LedgerHarness(const Clock* clock = nullptr, bool graph_in_memory = true);
  ~LedgerHarness();

  // Opens the ledger and starts the server; connects the client.
  absl::Status Start();
  // Stops the server and closes the ledger (all data stays on disk).
  void Stop();

  // Serve with this access policy (instead of the development policy).
  // Call before Start; `policies` must outlive the harness.
  void set_policies(PolicyStore* policies) { policies_ = policies; }

  // Registers a new producer key for `namespaces`; returns its signer.
  absl::StatusOr<EventSigner> AddProducer(std::vector<std::string> namespaces);

  LedgerClient& client() { return *client_; }
  Ledger& ledger() { return node_->ledger(); }
  LineageGraph& graph() { return node_->graph(); }
  // The gRPC channel the client uses (for other stubs).
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  const LogVerifier& verifier() const { return *verifier_; }
  std::string data_dir() const { return dir_.path() + "/db"; }
  std::string address() const;

 private:
  const Clock* clock_;
  const bool graph_in_memory_;
  PolicyStore* policies_ = nullptr;
  TempDir dir_;
  Ed25519PrivateKey log_key_;
  std::unique_ptr<LineageLedger> node_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<LedgerServer> server_;
  std::unique_ptr<LedgerClient> client_;
  std::unique_ptr<LogVerifier> verifier_;
};

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_TESTING_LEDGER_HARNESS_H_
