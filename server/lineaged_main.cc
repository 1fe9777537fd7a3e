// lineaged: the Lineage Ledger server.
//
// With no flags it runs the embedded development default: data in
// ./lineage-data, a log key and a development producer key created on first
// start, plaintext gRPC on 127.0.0.1:50051 with reflection and health.
#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/files.h"
#include "common/log.h"
#include "crypto/key_id.h"
#include "server/ledger/ledger.h"
#include "server/graph/graph_checker.h"
#include "server/lineage_ledger.h"
#include "server/log_key.h"
#include "server/offline_ops.h"
#include "server/auth/policy_store.h"
#include "server/service/ledger_server.h"

ABSL_FLAG(std::string, data_dir, "lineage-data", "Directory of the ledger's RocksDB data.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "Address to serve gRPC on (host:port).");
ABSL_FLAG(std::string, origin, "lineage-ledger.local/dev",
          "Checkpoint origin: the log's name, also the log key's name in signed notes.");
ABSL_FLAG(std::string, log_key_file, "",
          "PKCS #8 PEM Ed25519 key that signs checkpoints (default <data_dir>/keys/log.pem).");
ABSL_FLAG(bool, dev_keys, true,
          "Development default: create the log key if missing, and create and register a "
          "producer key for every namespace at <data_dir>/keys/dev-producer.pem. Turn off in "
          "production.");
ABSL_FLAG(int, verify_threads, 0, "Signature verification threads (0: one per core).");
ABSL_FLAG(int, verify_nice, 5,
          "Nice levels the verification threads run below the log writer (0: same priority).");
ABSL_FLAG(int64_t, graph_memory_budget_mb, 4096,
          "Hold the lineage graph's topology in memory if it fits this budget (checked at "
          "start); otherwise graph queries read RocksDB directly.");
ABSL_FLAG(std::string, backup_dir, "",
          "Where AdminService.CreateBackup writes (default <data_dir>/backups). Keep it on the data "
          "directory's file system: backups are then hard links, taken in about a second.");
ABSL_FLAG(bool, verify, false,
          "Check <data_dir>/db offline, end to end (docs/operations.md), print every problem found "
          "and exit: 0 verified, 1 damage found, 2 could not run. Stop the server first; a running "
          "server checks itself with AdminService.VerifyIntegrity.");
ABSL_FLAG(std::vector<std::string>, verify_checkpoints, {},
          "With --verify: files holding signed checkpoints you trust (handed to clients, "
          "witnessed); each must match the log.");
ABSL_FLAG(std::string, vkey, "",
          "The log's verifier key, or a file holding it, for --verify and --restore_from "
          "(default <log_key_file>.vkey).");
ABSL_FLAG(std::string, restore_from, "",
          "Restore this backup directory into <data_dir>/db (which must not exist), verify it end "
          "to end, then serve it (with --verify: exit instead).");
ABSL_FLAG(std::vector<std::string>, previous_log_vkeys, {},
          "After rotating the log key: the verifier keys (or files holding them) of the log's "
          "earlier keys. The stored checkpoint may be signed by one of them; it is checked as "
          "usual and re-signed with the new key (docs/operations.md, \"Rotate the log key\").");
ABSL_FLAG(std::string, tls_cert_file, "",
          "Server certificate chain (PEM). With --tls_key_file and --tls_client_ca_file: mutual "
          "TLS; files are re-read every few seconds, so rotation needs no restart.");
ABSL_FLAG(std::string, tls_key_file, "", "Server private key (PEM, mode 0600).");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "CA bundle that client certificates must chain to (PEM).");
ABSL_FLAG(std::string, policy_file, "",
          "Access policy (lineage.v1.AccessPolicy textproto, or .json). Required with TLS. "
          "Reloaded on SIGHUP; a broken file keeps the old policy. Unset: the development "
          "policy (plaintext \"local\" callers may do everything).");
ABSL_FLAG(std::string, local_listen, "",
          "Also serve plaintext on this loopback address (e.g. 127.0.0.1:50052) for the "
          "machine's own health probes and operator tools (`lineagectl health`, `backup`) when "
          "--listen speaks mutual TLS; callers there are \"local\" in the access policy.");
ABSL_FLAG(bool, allow_insecure_plaintext, false,
          "Serve plaintext on a non-loopback address. Callers are then unauthenticated: never "
          "do this outside a closed test network.");
ABSL_FLAG(int, shutdown_grace_seconds, 30,
          "On SIGTERM/SIGINT, how long calls in flight may take to finish.");

namespace lineage {
namespace {

// SIGTERM, SIGINT and SIGHUP are blocked in every thread and taken by
// sigwait() in one, so handling them is ordinary code (no
// async-signal-safety limits).
sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

int Run() {
  const sigset_t stop_signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // Before any thread starts.

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const std::string key_dir = absl::StrCat(data_dir, "/keys");
  const bool dev = absl::GetFlag(FLAGS_dev_keys);
  std::string log_key_file = absl::GetFlag(FLAGS_log_key_file);
  if (log_key_file.empty()) log_key_file = absl::StrCat(key_dir, "/log.pem");

  OfflineModes offline{absl::GetFlag(FLAGS_verify), absl::GetFlag(FLAGS_restore_from),
                       absl::StrCat(data_dir, "/db"), absl::GetFlag(FLAGS_vkey),
                       absl::GetFlag(FLAGS_verify_checkpoints)};
  if (offline.vkey.empty()) offline.vkey = absl::StrCat(log_key_file, ".vkey");
  if (const int code = RunOfflineModes(offline, {GraphCheckerFactory()}); code >= 0) return code;

  absl::StatusOr<LoadedKey> log_key = LoadOrCreatePrivateKey(log_key_file, dev);
  if (!log_key.ok()) {
    LOG_ERROR("cannot load the log key: ", log_key.status().ToString(),
              dev ? "" : " (create one with: lineagectl keygen --out FILE)");
    return 1;
  }
  LineageLedgerOptions options;
  options.ledger.data_dir = absl::StrCat(data_dir, "/db");
  options.ledger.origin = absl::GetFlag(FLAGS_origin);
  options.ledger.verify_threads = absl::GetFlag(FLAGS_verify_threads);
  options.ledger.verify_nice = absl::GetFlag(FLAGS_verify_nice);
  for (const std::string& previous : absl::GetFlag(FLAGS_previous_log_vkeys)) {
    absl::StatusOr<NoteVerifier> key = LoadVerifierKey(previous);
    if (!key.ok()) {
      LOG_ERROR("--previous_log_vkeys: ", key.status().ToString());
      return 1;
    }
    options.ledger.previous_log_keys.push_back(FormatVerifierKey(key->name(), key->public_key()));
  }
  options.graph.memory_budget_bytes =
      static_cast<size_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_graph_memory_budget_mb))) << 20;
  absl::StatusOr<std::unique_ptr<LineageLedger>> node = LineageLedger::Open(options, log_key->key);
  if (!node.ok()) {
    LOG_ERROR("cannot open the ledger: ", node.status().ToString());
    return 1;
  }
  Ledger* ledger = &(*node)->ledger();
  const std::string vkey = ledger->VerifierKey();
  const std::string vkey_file = absl::StrCat(log_key_file, ".vkey");
  absl::Status wrote = ReplaceFile(vkey_file, absl::StrCat(vkey, "\n"));
  if (!wrote.ok()) LOG_WARNING("could not write ", vkey_file, ": ", wrote.ToString());

  std::string dev_producer;
  if (dev && ledger->write_refusal().ok()) {
    const std::string path = absl::StrCat(key_dir, "/dev-producer.pem");
    absl::StatusOr<std::string> key_id = EnsureDevProducerKey(*ledger, path);
    if (!key_id.ok()) {
      LOG_ERROR("cannot set up the development producer key: ", key_id.status().ToString());
      return 1;
    }
    dev_producer = absl::StrCat(path, " (key_id ", *key_id, ", may write every namespace)");
  }

  std::unique_ptr<PolicyStore> policies;
  const std::string policy_file = absl::GetFlag(FLAGS_policy_file);
  if (!policy_file.empty()) {
    absl::StatusOr<std::shared_ptr<const AccessPolicy>> policy = AccessPolicy::Load(policy_file);
    if (!policy.ok()) {
      LOG_ERROR("cannot load the access policy: ", policy.status().ToString());
      return 1;
    }
    policies = std::make_unique<PolicyStore>(*std::move(policy), policy_file);
  }
  ServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen);
  server_options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  server_options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  server_options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  server_options.allow_insecure_plaintext = absl::GetFlag(FLAGS_allow_insecure_plaintext);
  server_options.policies = policies.get();
  server_options.audit = &(*node)->audit();
  server_options.derived_index_checkers = {GraphCheckerFactory()};
  server_options.local_listen_address = absl::GetFlag(FLAGS_local_listen);
  server_options.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  if (server_options.backup_dir.empty()) {
    server_options.backup_dir = std::filesystem::absolute(absl::StrCat(data_dir, "/backups")).string();
  }
  absl::StatusOr<std::unique_ptr<LedgerServer>> server =
      LedgerServer::Start(*ledger, server_options, &(*node)->graph().queries());
  if (!server.ok()) {
    LOG_ERROR(server.status().ToString());
    return 1;
  }
  const bool tls = !server_options.tls_cert_file.empty();
  LOG_INFO("Lineage Ledger listening on ", server_options.listen_address,
           tls ? " (mutual TLS" : " (plaintext gRPC", "; reflection and grpc.health.v1 on)");
  LOG_INFO("  access policy:    ",
           policy_file.empty() ? "development default (\"local\" may do everything)" : policy_file);
  LOG_INFO("  data directory:   ", data_dir);
  LOG_INFO("  log verifier key: ", vkey);
  LOG_INFO("                    (pin it; also written to ", vkey_file, ")");
  LOG_INFO("  log signing key:  ", log_key_file, log_key->created ? " (created now)" : "");
  if (!dev_producer.empty()) LOG_INFO("  dev producer key: ", dev_producer);
  if (!ledger->write_refusal().ok()) {
    LOG_ERROR("serving reads only: ", ledger->write_refusal().message());
  }
  if (!tls) LOG_INFO("  try: grpcurl -plaintext ", server_options.listen_address, " list");

  std::thread waiter([&] {
    int signal = 0;
    while (true) {
      sigwait(&stop_signals, &signal);
      if (signal != SIGHUP) break;
      if (policies == nullptr) {
        LOG_WARNING("SIGHUP: no --policy_file to reload");
        continue;
      }
      absl::Status reloaded = policies->Reload();
      if (reloaded.ok()) {
        LOG_INFO("SIGHUP: access policy reloaded from ", policy_file);
      } else {
        LOG_ERROR("SIGHUP: the access policy was NOT reloaded, the previous one stays in force: ",
                  reloaded.ToString());
      }
    }
    LOG_INFO("signal ", signal, ": shutting down, finishing calls in flight");
    (*server)->Shutdown(absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  });
  (*server)->Wait();
  waiter.join();
  server->reset();
  node->reset();
  LOG_INFO("stopped");
  return 0;
}

}  // namespace
}  // namespace lineage

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Lineage Ledger server. See README.md.");
  absl::ParseCommandLine(argc, argv);
  return lineage::Run();
}
