// lineagectl: the command-line client of Lineage Ledger.
//
//   lineagectl keygen --out FILE                 new Ed25519 producer key (FILE, FILE.pub)
//   lineagectl register-key --public_key FILE.pub --namespaces a,b/* [--owner O]
//   lineagectl list-keys [--all]
//   lineagectl revoke-key --key_id ID --reason TEXT
//   lineagectl append --key FILE [--vkey V] [--atomic] [--save_dir DIR] [FILE...|-]
//   lineagectl checkpoint [--vkey V]
//   lineagectl inclusion --vkey V (--index N | --leaf_hash HEX)
//   lineagectl consistency --vkey V --old_checkpoint FILE
//   lineagectl entries --start N --count N
//   lineagectl backup [--name N]                 online backup (operator)
//   lineagectl verify-integrity [--wait]         full integrity check on the server (operator)
//   lineagectl status                            size, checkpoint, writable (operator)
//   lineagectl health [--service S]              grpc.health.v1 check (exit 0 if SERVING)
//
// Events for `append` are LineageEvent JSON (one object, an array, or JSON
// Lines); each is serialized once, signed with --key, and sent. With --vkey
// every receipt and checkpoint is verified against the pinned log key.
//
// Every command but keygen talks to --server: in plaintext without TLS flags
// (the loopback development default and the loopback operator port), over
// TLS with --tls_ca, and over mutual TLS with --tls_cert and --tls_key too
// (tools/client_channel.h):
//
//   lineagectl --server=ledger.example.com:50051 --tls_ca=ca.pem
//     --tls_cert=client.pem --tls_key=client.key checkpoint --vkey V   (one line)
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/event_signer.h"
#include "client/ledger_client.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "crypto/key_id.h"
#include "tools/admin_commands.h"
#include "tools/cli_util.h"
#include "tools/client_channel.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "Ledger address (host:port).");
ABSL_FLAG(int, timeout_seconds, 30, "Deadline of each call.");
ABSL_FLAG(std::string, tls_ca, "",
          "Speak TLS and verify the server's certificate against these PEM roots (the CA that "
          "signed it). Without any --tls_* flag: plaintext, for loopback only.");
ABSL_FLAG(std::string, tls_cert, "",
          "Mutual TLS: this PEM client certificate (chain), whose identity the server's access "
          "policy names. Needs --tls_key.");
ABSL_FLAG(std::string, tls_key, "",
          "Mutual TLS: the PEM private key of --tls_cert (unencrypted, mode 0600).");
ABSL_FLAG(std::string, tls_server_name, "",
          "The name the server's certificate must carry, when it differs from the host in "
          "--server (e.g. connecting by IP address).");
ABSL_FLAG(std::string, vkey, "", "Pinned log verifier key, or a file holding it.");
ABSL_FLAG(std::string, out, "", "keygen: private key file to create (FILE.pub gets the public key).");
ABSL_FLAG(std::string, key, "", "append: producer private key (PKCS #8 PEM).");
ABSL_FLAG(std::string, public_key, "", "register-key: public key PEM file.");
ABSL_FLAG(std::string, namespaces, "", "register-key: comma-separated namespaces or prefix* patterns.");
ABSL_FLAG(std::string, owner, "", "register-key: principal owning the key.");
ABSL_FLAG(std::string, description, "", "register-key: what uses the key.");
ABSL_FLAG(std::string, not_after, "", "register-key: expiry, RFC 3339 (e.g. 2027-01-01T00:00:00Z).");
ABSL_FLAG(bool, all, false, "list-keys: include revoked and expired keys.");
ABSL_FLAG(std::string, key_id, "", "revoke-key: the key to revoke.");
ABSL_FLAG(std::string, reason, "", "revoke-key: why.");
ABSL_FLAG(bool, atomic, false, "append: all events of a batch or none.");
ABSL_FLAG(int, batch, 500, "append: events per request.");
ABSL_FLAG(std::string, save_dir, "",
          "append: write each accepted event's evidence (event, receipt, checkpoint) here.");
ABSL_FLAG(int64_t, index, -1, "inclusion: leaf index.");
ABSL_FLAG(std::string, leaf_hash, "", "inclusion: leaf hash (hex).");
ABSL_FLAG(std::string, old_checkpoint, "", "consistency: an earlier signed checkpoint file.");
ABSL_FLAG(uint64_t, start, 0, "entries: first index.");
ABSL_FLAG(uint32_t, count, 10, "entries: how many.");
ABSL_FLAG(std::string, name, "", "backup: the backup's name (default backup-<UTC time>).");
ABSL_FLAG(bool, wait, false, "verify-integrity: wait for the check to finish; exit 1 on damage.");
ABSL_FLAG(std::string, service, "", "health: the service to check (\"\" is the whole server).");

namespace lineage::cli {
namespace {

using ChannelPtr = std::shared_ptr<grpc::Channel>;

ChannelOptions ChannelFlags() {
  ChannelOptions options;
  options.address = absl::GetFlag(FLAGS_server);
  options.ca_file = absl::GetFlag(FLAGS_tls_ca);
  options.cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.key_file = absl::GetFlag(FLAGS_tls_key);
  options.server_name = absl::GetFlag(FLAGS_tls_server_name);
  return options;
}

absl::Duration Deadline() { return absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds)); }

LedgerClient Connect(const ChannelPtr& channel) { return LedgerClient(channel, Deadline()); }

absl::Status KeyGen() {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) return absl::InvalidArgumentError("--out: missing (the private key file to create)");
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  RETURN_IF_ERROR(CreateFile(out, key.ToPem(), /*secret=*/true));
  RETURN_IF_ERROR(CreateFile(out + ".pub", key.public_key().ToPem(), /*secret=*/false));
  std::cout << "private key: " << out << " (mode 0600; keep it secret)\n"
            << "public key:  " << out << ".pub\n"
            << "key_id:      " << KeyId::Of(key.public_key()).ToHex() << "\n"
            << "public key (base64, for RegisterKey JSON): "
            << absl::Base64Escape(key.public_key().raw()) << "\n";
  return absl::OkStatus();
}

absl::Status RegisterKey(const ChannelPtr& channel) {
  v1::RegisterKeyRequest request;
  ASSIGN_OR_RETURN(std::string pem, ReadFile(absl::GetFlag(FLAGS_public_key)));
  request.set_public_key_pem(pem);
  for (absl::string_view ns : absl::StrSplit(absl::GetFlag(FLAGS_namespaces), ',', absl::SkipEmpty())) {
    request.add_namespaces(std::string(ns));
  }
  request.set_owner(absl::GetFlag(FLAGS_owner));
  request.set_description(absl::GetFlag(FLAGS_description));
  if (!absl::GetFlag(FLAGS_not_after).empty()) {
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_not_after), &t, &err)) {
      return absl::InvalidArgumentError(absl::StrCat("--not_after: ", err));
    }
    request.mutable_not_after()->set_seconds(absl::ToUnixSeconds(t));
  }
  ASSIGN_OR_RETURN(v1::ProducerKey key, Connect(channel).RegisterKey(request));
  std::cout << ToJson(key) << "\n";
  return absl::OkStatus();
}

absl::Status ListKeys(const ChannelPtr& channel) {
  ASSIGN_OR_RETURN(v1::ListKeysResponse keys,
                   Connect(channel).ListKeys(absl::GetFlag(FLAGS_all)));
  std::cout << ToJson(keys) << "\n";
  return absl::OkStatus();
}

absl::Status RevokeKey(const ChannelPtr& channel) {
  ASSIGN_OR_RETURN(v1::ProducerKey key, Connect(channel).RevokeKey(absl::GetFlag(FLAGS_key_id),
                                                                   absl::GetFlag(FLAGS_reason)));
  std::cout << ToJson(key) << "\n";
  return absl::OkStatus();
}

absl::Status SaveEvidence(const std::string& dir, const v1::SignedEvent& event,
                          const v1::Receipt& receipt, const v1::SignedCheckpoint& checkpoint) {
  const std::string base = absl::StrCat(dir, "/", receipt.log_index());
  RETURN_IF_ERROR(ReplaceFile(base + ".event.json", ToJson(event)));
  RETURN_IF_ERROR(ReplaceFile(base + ".receipt.json", ToJson(receipt)));
  return ReplaceFile(base + ".checkpoint", checkpoint.note());
}

absl::Status Append(const ChannelPtr& channel, const std::vector<char*>& args) {
  if (absl::GetFlag(FLAGS_key).empty()) {
    return absl::InvalidArgumentError(
        "--key: missing (the producer private key, e.g. lineage-data/keys/dev-producer.pem)");
  }
  ASSIGN_OR_RETURN(std::string pem, ReadSecretFile(absl::GetFlag(FLAGS_key)));
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::FromPem(pem));
  EventSigner signer(std::move(key));
  std::optional<LogVerifier> verifier;
  if (!absl::GetFlag(FLAGS_vkey).empty()) {
    ASSIGN_OR_RETURN(LogVerifier v, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
    verifier.emplace(std::move(v));
  }
  std::vector<std::string> inputs;
  for (size_t i = 2; i < args.size(); ++i) inputs.emplace_back(args[i]);
  if (inputs.empty()) inputs.push_back("-");
  std::vector<v1::SignedEvent> signed_events;
  for (const std::string& input : inputs) {
    ASSIGN_OR_RETURN(std::string text, ReadInput(input));
    ASSIGN_OR_RETURN(std::vector<std::string> objects, SplitJsonObjects(text));
    for (size_t i = 0; i < objects.size(); ++i) {
      v1::LineageEvent event;
      RETURN_IF_ERROR(ParseJson(objects[i], event, absl::StrCat(input, " event ", i)));
      signed_events.push_back(signer.Sign(event));
    }
  }
  if (signed_events.empty()) return absl::InvalidArgumentError("no events in the input");
  LedgerClient client = Connect(channel);
  const size_t batch = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_batch)));
  int rejected = 0;
  for (size_t begin = 0; begin < signed_events.size(); begin += batch) {
    const size_t end = std::min(signed_events.size(), begin + batch);
    v1::AppendEventsRequest request;
    request.set_atomic(absl::GetFlag(FLAGS_atomic));
    for (size_t i = begin; i < end; ++i) *request.add_events() = signed_events[i];
    ASSIGN_OR_RETURN(v1::AppendEventsResponse response, client.AppendEvents(request));
    std::optional<Checkpoint> checkpoint;
    if (verifier) {
      ASSIGN_OR_RETURN(checkpoint, verifier->VerifyCheckpoint(response.checkpoint()));
    }
    for (int i = 0; i < response.receipts_size(); ++i) {
      const v1::Receipt& receipt = response.receipts(i);
      const v1::SignedEvent& sent = signed_events[begin + i];
      if (receipt.status() == v1::RECEIPT_STATUS_REJECTED) {
        ++rejected;
      } else if (verifier) {
        RETURN_IF_ERROR(verifier->VerifyReceipt(receipt, sent));
        if (receipt.log_index() >= checkpoint->size) {
          return absl::FailedPreconditionError("receipt index beyond the returned checkpoint");
        }
      }
      if (!absl::GetFlag(FLAGS_save_dir).empty() && receipt.status() != v1::RECEIPT_STATUS_REJECTED) {
        RETURN_IF_ERROR(SaveEvidence(absl::GetFlag(FLAGS_save_dir), sent, receipt, response.checkpoint()));
      }
      std::cout << ToJson(receipt, /*pretty=*/false) << "\n";
    }
  }
  if (rejected > 0) {
    return absl::FailedPreconditionError(absl::StrCat(rejected, " of ", signed_events.size(),
                                                      " events were rejected (see receipts)"));
  }
  if (verifier) std::cerr << "verified " << signed_events.size() << " receipts against the pinned log key\n";
  return absl::OkStatus();
}

absl::Status GetCheckpoint(const ChannelPtr& channel) {
  ASSIGN_OR_RETURN(v1::SignedCheckpoint checkpoint, Connect(channel).GetCheckpoint());
  if (!absl::GetFlag(FLAGS_vkey).empty()) {
    ASSIGN_OR_RETURN(LogVerifier v, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
    RETURN_IF_ERROR(v.VerifyCheckpoint(checkpoint).status());
    std::cerr << "verified against the pinned log key\n";
  }
  std::cout << checkpoint.note();
  return absl::OkStatus();
}

absl::Status Inclusion(const ChannelPtr& channel) {
  ASSIGN_OR_RETURN(LogVerifier verifier, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
  LedgerClient client = Connect(channel);
  absl::StatusOr<v1::InclusionProof> proof;
  if (absl::GetFlag(FLAGS_index) >= 0) {
    proof = client.GetInclusionProofByIndex(static_cast<uint64_t>(absl::GetFlag(FLAGS_index)));
  } else {
    ASSIGN_OR_RETURN(Hash h, HashFromHex(absl::GetFlag(FLAGS_leaf_hash), "--leaf_hash"));
    proof = client.GetInclusionProofByHash(std::string(HashBytes(h)));
  }
  if (!proof.ok()) return proof.status();
  ASSIGN_OR_RETURN(Checkpoint c, verifier.VerifyCheckpoint(proof->checkpoint()));
  RETURN_IF_ERROR(verifier.VerifyInclusion(*proof, c));
  std::cout << ToJson(*proof) << "\n";
  std::cerr << "verified: leaf " << proof->leaf_index() << " is in the signed tree of size "
            << c.size << "\n";
  return absl::OkStatus();
}

absl::Status Consistency(const ChannelPtr& channel) {
  ASSIGN_OR_RETURN(LogVerifier verifier, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
  ASSIGN_OR_RETURN(std::string old_note, ReadInput(absl::GetFlag(FLAGS_old_checkpoint)));
  ASSIGN_OR_RETURN(Checkpoint older, verifier.VerifyCheckpointNote(old_note));
  ASSIGN_OR_RETURN(v1::ConsistencyProof proof, Connect(channel).GetConsistencyProof(older.size));
  ASSIGN_OR_RETURN(Checkpoint newer, verifier.VerifyCheckpoint(proof.checkpoint()));
  RETURN_IF_ERROR(verifier.VerifyConsistency(proof, older, newer));
  std::cout << ToJson(proof) << "\n";
  std::cerr << "verified: the signed tree of size " << older.size
            << " is a prefix of the signed tree of size " << newer.size << "\n";
  return absl::OkStatus();
}

absl::Status Entries(const ChannelPtr& channel) {
  ASSIGN_OR_RETURN(
      v1::GetEntriesResponse entries,
      Connect(channel).GetEntries(absl::GetFlag(FLAGS_start), absl::GetFlag(FLAGS_count)));
  std::cout << ToJson(entries) << "\n";
  return absl::OkStatus();
}

int Main(const std::vector<char*>& args) {
  if (args.size() < 2) {
    std::cerr << "usage: lineagectl keygen|register-key|list-keys|revoke-key|append|checkpoint|"
                 "inclusion|consistency|entries|backup|verify-integrity|status|health [flags]; see --help\n";
    return kExitUsage;
  }
  const std::string command = args[1];
  if (command != "append" && args.size() > 2) {
    std::cerr << "error: unexpected argument \"" << args[2] << "\"\n";
    return kExitUsage;
  }
  const ChannelOptions channel_options = ChannelFlags();
  ChannelPtr channel;  // Every command but keygen talks to the server.
  if (command != "keygen") {
    absl::StatusOr<ChannelPtr> opened = OpenChannel(channel_options);
    if (!opened.ok()) return Fail(opened.status(), /*usage_on_invalid=*/true);
    channel = *std::move(opened);
  }
  absl::Status status =
      command == "keygen"         ? KeyGen()
      : command == "register-key" ? RegisterKey(channel)
      : command == "list-keys"    ? ListKeys(channel)
      : command == "revoke-key"   ? RevokeKey(channel)
      : command == "append"       ? Append(channel, args)
      : command == "checkpoint"   ? GetCheckpoint(channel)
      : command == "inclusion"    ? Inclusion(channel)
      : command == "consistency"  ? Consistency(channel)
      : command == "entries"      ? Entries(channel)
      : command == "backup"       ? Backup(channel, Deadline(), absl::GetFlag(FLAGS_name))
      : command == "verify-integrity"
          ? VerifyIntegrity(channel, Deadline(), absl::GetFlag(FLAGS_wait))
      : command == "status"       ? Status(channel, Deadline())
      : command == "health"       ? Health(channel, Deadline(), absl::GetFlag(FLAGS_service))
                                  : absl::InvalidArgumentError(absl::StrCat("unknown command \"", command, "\""));
  if (!status.ok()) return Fail(ExplainConnectionFailure(channel_options, status));
  return kExitOk;
}

}  // namespace
}  // namespace lineage::cli

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "lineagectl keygen|register-key|list-keys|revoke-key|append|checkpoint|inclusion|"
      "consistency|entries|backup|verify-integrity|status|health [flags]: the Lineage Ledger "
      "command-line client.");
  return lineage::cli::Main(absl::ParseCommandLine(argc, argv));
}
