#include "tests/testing/ledger_harness.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace lineage::testing {

LedgerHarness::LedgerHarness(const Clock* clock, bool graph_in_memory)
    : clock_(clock), graph_in_memory_(graph_in_memory), log_key_(*Ed25519PrivateKey::Generate()) {
  SetQuietLogging(true);
}

LedgerHarness::~LedgerHarness() { Stop(); }

std::string LedgerHarness::address() const {
  return absl::StrCat("127.0.0.1:", server_ == nullptr ? 0 : server_->port());
}

absl::Status LedgerHarness::Start() {
  LineageLedgerOptions options;
  options.ledger.data_dir = data_dir();
  options.ledger.origin = "test.lineage-ledger.local/log";
  options.ledger.clock = clock_;
  options.ledger.block_cache_bytes = 8 << 20;
  options.graph.memory_budget_bytes = graph_in_memory_ ? size_t{1} << 30 : 0;
  ASSIGN_OR_RETURN(node_, LineageLedger::Open(options, log_key_));
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  server_options.audit = &node_->audit();
  server_options.policies = policies_;
  ASSIGN_OR_RETURN(server_, LedgerServer::Start(node_->ledger(), server_options,
                                                &node_->graph().queries()));
  channel_ = grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
  client_ = std::make_unique<LedgerClient>(channel_, absl::Seconds(30));
  // The trust anchor comes from the key the test holds, not from the server.
  verifier_ = std::make_unique<LogVerifier>(
      NoteVerifier(options.ledger.origin, log_key_.public_key()));
  return absl::OkStatus();
}

void LedgerHarness::Stop() {
  client_.reset();
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  server_.reset();
  channel_.reset();
  node_.reset();
}

absl::StatusOr<EventSigner> LedgerHarness::AddProducer(std::vector<std::string> namespaces) {
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  v1::RegisterKeyRequest request;
  request.set_public_key(key.public_key().raw());
  for (std::string& ns : namespaces) request.add_namespaces(std::move(ns));
  request.set_owner("local");  // The harness speaks plaintext: callers are "local".
  RETURN_IF_ERROR(client_->RegisterKey(request).status());
  return EventSigner(std::move(key));
}

}  // namespace lineage::testing
