#include "tests/testing/ledger_harness.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace lineage::testing {

LedgerHarness::LedgerHarness(const Clock* clock)
    : clock_(clock), log_key_(*Ed25519PrivateKey::Generate()) {
  SetQuietLogging(true);
}

LedgerHarness::~LedgerHarness() { Stop(); }

std::string LedgerHarness::address() const {
  return absl::StrCat("127.0.0.1:", server_ == nullptr ? 0 : server_->port());
}

absl::Status LedgerHarness::Start() {
  LedgerOptions options;
  options.data_dir = data_dir();
  options.origin = "test.lineage-ledger.local/log";
  options.clock = clock_;
  options.block_cache_bytes = 8 << 20;
  ASSIGN_OR_RETURN(ledger_, Ledger::Open(options, log_key_));
  ASSIGN_OR_RETURN(server_, LedgerServer::Start(*ledger_, {.listen_address = "127.0.0.1:0"}));
  client_ = std::make_unique<LedgerClient>(
      grpc::CreateChannel(address(), grpc::InsecureChannelCredentials()), absl::Seconds(30));
  // The trust anchor comes from the key the test holds, not from the server.
  verifier_ = std::make_unique<LogVerifier>(NoteVerifier(options.origin, log_key_.public_key()));
  return absl::OkStatus();
}

void LedgerHarness::Stop() {
  client_.reset();
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  server_.reset();
  ledger_.reset();
}

absl::StatusOr<EventSigner> LedgerHarness::AddProducer(std::vector<std::string> namespaces) {
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  v1::RegisterKeyRequest request;
  request.set_public_key(key.public_key().raw());
  for (std::string& ns : namespaces) request.add_namespaces(std::move(ns));
  request.set_owner("test-producer");
  RETURN_IF_ERROR(client_->RegisterKey(request).status());
  return EventSigner(std::move(key));
}

}  // namespace lineage::testing
