// crash_load: the client side of the crash-safety harness (crash_test.sh).
//
//   crash_load load  --server=A --key=PEM --vkey=V --journal=J --clients=N
//                    [--max_batch=8] [--events=0]
//   crash_load check --server=A --key=PEM --vkey=V --journal=J [--journal_bytes=N]
//   crash_load last-checkpoint --journal=J        (prints the newest note)
//   crash_load free-port
//
// `load` runs N concurrent producers until it is killed. Producer c sends
// events c-0, c-1, ... in batches of 1-8, each event's bytes a pure function
// of (prefix, c, sequence), so a resent event is byte-identical. A batch is
// retried on any error until it is answered (idempotent event IDs make that
// safe). Every receipt is verified against the pinned log key (it must
// commit to exactly the envelope sent), and only after its lines are in the
// journal and fdatasync'd does the batch count as acknowledged:
//   E <client> <seq> <index> <leaf hash hex> <payload sha256 hex> <A|D>
// (A: ACCEPTED, D: DUPLICATE, the original receipt of an event committed
// before a crash but acknowledged only to the resend)
//   C <base64 of the signed checkpoint note in the response>
// A restarted `load` continues each producer after its last journaled event,
// so batches in flight at a kill are resent (and must come back DUPLICATE
// with their original index, or ACCEPTED if they were never committed).
//
// `check` (against a restarted server) verifies: every journaled event is in
// the log at its index with the same leaf and payload bytes; no index holds
// two events and no (namespace, event_id) appears twice in the log; every
// journaled checkpoint verifies and is consistent, by consistency proof,
// with the latest one; and the log accepts a new event. Exit 0 or 1.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "client/event_signer.h"
#include "client/ledger_client.h"
#include "client/log_verifier.h"
#include "common/files.h"
#include "crypto/hash.h"
#include "crypto/merkle_hash.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "Ledger address.");
ABSL_FLAG(std::string, key, "", "Producer private key (the dev producer key).");
ABSL_FLAG(std::string, vkey, "", "File holding the log's verifier key.");
ABSL_FLAG(std::string, journal, "", "Journal of acknowledged receipts and checkpoints.");
ABSL_FLAG(int, clients, 4, "load: concurrent producers.");
ABSL_FLAG(std::string, prefix, "crash", "Event ID prefix (one per harness run).");
ABSL_FLAG(int, wait_seconds, 30, "check: how long to wait for the server.");
ABSL_FLAG(int, max_batch, 8, "load: batches hold 1 to this many events.");
ABSL_FLAG(int64_t, events, 0, "load: stop once this many events are acknowledged (0: never).");
ABSL_FLAG(int64_t, journal_bytes, -1,
          "check: only the journal's first N bytes (what was acknowledged before a backup).");

namespace lineage::crash {
namespace {

constexpr char kNamespace[] = "crash.test/load";

v1::LineageEvent MakeEvent(const std::string& prefix, int client, uint64_t seq) {
  v1::LineageEvent e;
  const std::string id = absl::StrCat(prefix, "-c", client, "-", seq);
  e.set_event_id(id);
  e.set_namespace_(kNamespace);
  e.set_producer("https://example.com/crash-harness");
  e.set_event_type(v1::EVENT_TYPE_COMPLETE);
  e.mutable_event_time()->set_seconds(1763600000 + static_cast<int64_t>(seq % 1000000));
  v1::Run* run = e.mutable_run();
  run->set_run_id(absl::StrCat("run-", id));
  run->set_kind(v1::RUN_KIND_ETL);
  e.mutable_job()->set_name(absl::StrCat("job-", client));
  v1::DatasetVersion* out = e.add_outputs()->mutable_dataset();
  out->set_name(absl::StrCat("table-", client));
  out->set_version(absl::StrCat(seq));
  out->set_digest("sha256:" + HashToHex(Sha256(id)));
  return e;
}

struct JournalEvent {
  int client;
  uint64_t seq;
  uint64_t index;
  std::string leaf_hash;  // hex
  std::string payload;    // sha256 hex
  bool duplicate = false;  // Acknowledged as DUPLICATE.
};

struct Journal {
  std::vector<JournalEvent> events;
  std::vector<std::string> checkpoints;  // Distinct notes, in order.
};

// Complete lines only: a kill may leave half a line at the end.
absl::StatusOr<Journal> ReadJournal(const std::string& path) {
  Journal j;
  absl::StatusOr<std::string> text = ReadFile(path);
  if (absl::IsNotFound(text.status())) return j;
  if (!text.ok()) return text.status();
  const int64_t limit = absl::GetFlag(FLAGS_journal_bytes);
  if (limit >= 0 && static_cast<size_t>(limit) < text->size()) text->resize(limit);
  std::set<std::string> seen;
  size_t start = 0;
  for (size_t end; (end = text->find('\n', start)) != std::string::npos; start = end + 1) {
    std::vector<std::string> f = absl::StrSplit(text->substr(start, end - start), ' ');
    if (f.size() == 7 && f[0] == "E") {
      JournalEvent e;
      if (!absl::SimpleAtoi(f[1], &e.client) || !absl::SimpleAtoi(f[2], &e.seq) ||
          !absl::SimpleAtoi(f[3], &e.index)) {
        return absl::DataLossError(absl::StrCat("bad journal line: ", f[0], " ", f[1]));
      }
      e.leaf_hash = f[4];
      e.payload = f[5];
      e.duplicate = f[6] == "D";
      j.events.push_back(e);
    } else if (f.size() == 2 && f[0] == "C") {
      std::string note;
      if (!absl::Base64Unescape(f[1], &note)) return absl::DataLossError("bad checkpoint line");
      if (seen.insert(note).second) j.checkpoints.push_back(note);
    } else {
      return absl::DataLossError("unknown journal line");
    }
  }
  return j;
}

int Fail(const std::string& why) {
  std::cerr << "crash_load: FAILED: " << why << "\n";
  return 1;
}

absl::StatusOr<LogVerifier> Verifier() {
  absl::StatusOr<std::string> vkey = ReadFile(absl::GetFlag(FLAGS_vkey));
  if (!vkey.ok()) return vkey.status();
  return LogVerifier::FromVerifierKey(absl::StripAsciiWhitespace(*vkey));
}

absl::StatusOr<EventSigner> Signer() {
  absl::StatusOr<std::string> pem = ReadFile(absl::GetFlag(FLAGS_key));
  if (!pem.ok()) return pem.status();
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::FromPem(*pem);
  if (!key.ok()) return key.status();
  return EventSigner(*std::move(key));
}

std::shared_ptr<grpc::Channel> WaitForServer() {
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials());
  channel->WaitForConnected(std::chrono::system_clock::now() +
                            std::chrono::seconds(absl::GetFlag(FLAGS_wait_seconds)));
  return channel;
}

int Load() {
  absl::StatusOr<LogVerifier> verifier = Verifier();
  absl::StatusOr<EventSigner> signer = Signer();
  absl::StatusOr<Journal> journal = ReadJournal(absl::GetFlag(FLAGS_journal));
  if (!verifier.ok() || !signer.ok() || !journal.ok()) return Fail("cannot start: bad flags or journal");
  const int clients = absl::GetFlag(FLAGS_clients);
  std::vector<uint64_t> next(clients, 0);
  for (const JournalEvent& e : journal->events) {
    if (e.client < clients) next[e.client] = std::max(next[e.client], e.seq + 1);
  }
  const int fd = ::open(absl::GetFlag(FLAGS_journal).c_str(),
                        O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Fail("cannot open the journal");
  absl::Mutex journal_mu;
  std::atomic<bool> failed{false};
  std::atomic<int64_t> acknowledged{static_cast<int64_t>(journal->events.size())};
  const int64_t target = absl::GetFlag(FLAGS_events);
  const int max_batch = std::max(1, absl::GetFlag(FLAGS_max_batch));
  const std::string prefix = absl::GetFlag(FLAGS_prefix);
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials());
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      LedgerClient client(channel, absl::Seconds(5));
      std::mt19937_64 rng(std::random_device{}());
      uint64_t seq = next[c];
      while (!failed.load() && (target == 0 || acknowledged.load() < target)) {
        const int n = 1 + static_cast<int>(rng() % max_batch);
        std::vector<v1::SignedEvent> batch;
        for (int i = 0; i < n; ++i) batch.push_back(signer->Sign(MakeEvent(prefix, c, seq + i)));
        absl::StatusOr<v1::AppendEventsResponse> r = client.AppendEvents(batch);
        if (!r.ok()) {
          absl::SleepFor(absl::Milliseconds(50));
          continue;  // Retry the same batch: the server may be restarting.
        }
        std::string lines;
        for (int i = 0; i < n; ++i) {
          const v1::Receipt& receipt = r->receipts(i);
          absl::Status ok = verifier->VerifyReceipt(receipt, batch[i]);
          if (receipt.status() == v1::RECEIPT_STATUS_REJECTED || !ok.ok()) {
            std::cerr << "crash_load: FAILED: event " << c << "-" << seq + i << ": "
                      << receipt.error_message() << " " << ok << "\n";
            failed.store(true);
            return;
          }
          absl::StrAppend(&lines, "E ", c, " ", seq + i, " ", receipt.log_index(), " ",
                          absl::BytesToHexString(receipt.leaf_hash()), " ",
                          HashToHex(Sha256(batch[i].payload())), " ",
                          receipt.status() == v1::RECEIPT_STATUS_DUPLICATE ? "D" : "A", "\n");
        }
        if (!verifier->VerifyCheckpoint(r->checkpoint()).ok()) {
          std::cerr << "crash_load: FAILED: a checkpoint does not verify\n";
          failed.store(true);
          return;
        }
        absl::StrAppend(&lines, "C ", absl::Base64Escape(r->checkpoint().note()), "\n");
        {
          absl::MutexLock lock(&journal_mu);
          if (::write(fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size()) ||
              ::fdatasync(fd) != 0) {
            failed.store(true);
            return;
          }
        }
        seq += n;  // Acknowledged.
        acknowledged.fetch_add(n);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return failed.load() ? 1 : 0;
}

int Check() {
  absl::StatusOr<LogVerifier> verifier = Verifier();
  absl::StatusOr<EventSigner> signer = Signer();
  absl::StatusOr<Journal> journal = ReadJournal(absl::GetFlag(FLAGS_journal));
  if (!verifier.ok() || !signer.ok()) return Fail("bad --vkey or --key");
  if (!journal.ok()) return Fail(absl::StrCat("journal: ", journal.status().ToString()));
  LedgerClient client(WaitForServer(), absl::Seconds(30));
  absl::StatusOr<v1::SignedCheckpoint> latest_proto = client.GetCheckpoint();
  if (!latest_proto.ok()) return Fail(absl::StrCat("GetCheckpoint: ", latest_proto.status().ToString()));
  absl::StatusOr<Checkpoint> latest = verifier->VerifyCheckpoint(*latest_proto);
  if (!latest.ok()) return Fail("the latest checkpoint does not verify");
  const uint64_t size = latest->size;

  // The whole log: leaf hashes, payload digests, and (namespace, event_id)
  // used once.
  std::vector<std::string> leaf_hashes(size), payloads(size);
  std::map<std::string, uint64_t> event_ids;
  for (uint64_t start = 0; start < size;) {
    absl::StatusOr<v1::GetEntriesResponse> page =
        client.GetEntries(start, static_cast<uint32_t>(std::min<uint64_t>(1000, size - start)));
    if (!page.ok() || page->entries_size() == 0) return Fail(absl::StrCat("GetEntries at ", start));
    for (const v1::Entry& e : page->entries()) {
      if (e.index() != start) return Fail(absl::StrCat("GetEntries: want index ", start, ", got ", e.index()));
      leaf_hashes[start] = absl::BytesToHexString(HashBytes(HashLeaf(e.leaf())));
      if (e.has_signed_event()) {
        payloads[start] = HashToHex(Sha256(e.signed_event().payload()));
        v1::LineageEvent event;
        if (event.ParseFromString(e.signed_event().payload())) {
          const std::string id = absl::StrCat(event.namespace_(), "/", event.event_id());
          auto [it, fresh] = event_ids.emplace(id, start);
          if (!fresh) {
            return Fail(absl::StrCat("event ", id, " is in the log twice: indexes ", it->second,
                                     " and ", start));
          }
        }
      }
      ++start;
    }
  }

  // Every acknowledged event, where it was acknowledged, with its bytes.
  std::map<std::pair<int, uint64_t>, uint64_t> at;
  std::map<uint64_t, std::pair<int, uint64_t>> by_index;
  uint64_t reacknowledged = 0, duplicates = 0;
  for (const JournalEvent& e : journal->events) {
    const std::string name = absl::StrCat("event c", e.client, "-", e.seq);
    if (e.duplicate) ++duplicates;
    auto [it, fresh] = at.emplace(std::make_pair(e.client, e.seq), e.index);
    if (!fresh) {
      ++reacknowledged;
      if (it->second != e.index) {
        return Fail(absl::StrCat(name, " was acknowledged at index ", it->second, " and again at ", e.index));
      }
    }
    auto [owner, new_index] = by_index.emplace(e.index, std::make_pair(e.client, e.seq));
    if (!new_index && owner->second != std::make_pair(e.client, e.seq)) {
      return Fail(absl::StrCat("index ", e.index, " was acknowledged for two events"));
    }
    if (e.index >= size) {
      return Fail(absl::StrCat(name, " was acknowledged at index ", e.index,
                               " but the recovered log has only ", size, " entries"));
    }
    if (leaf_hashes[e.index] != e.leaf_hash || payloads[e.index] != e.payload) {
      return Fail(absl::StrCat(name, ": index ", e.index, " holds other bytes than acknowledged"));
    }
  }

  // Every checkpoint handed out is a prefix of the recovered log.
  for (const std::string& note : journal->checkpoints) {
    absl::StatusOr<Checkpoint> old = verifier->VerifyCheckpointNote(note);
    if (!old.ok()) return Fail("a journaled checkpoint does not verify");
    if (old->size > size) {
      return Fail(absl::StrCat("a checkpoint of size ", old->size, " was handed out but the log has ", size));
    }
    if (old->size == size) {
      if (old->root != latest->root) return Fail("two checkpoints of one size with different roots");
      continue;
    }
    if (old->size == 0) continue;
    absl::StatusOr<v1::ConsistencyProof> proof = client.GetConsistencyProof(old->size, size);
    if (!proof.ok()) return Fail(absl::StrCat("GetConsistencyProof: ", proof.status().ToString()));
    absl::Status consistent = verifier->VerifyConsistency(*proof, *old, *latest);
    if (!consistent.ok()) {
      return Fail(absl::StrCat("checkpoint of size ", old->size, " is not consistent with the log: ",
                               consistent.ToString()));
    }
  }

  // And the log takes writes.
  absl::StatusOr<v1::AppendEventsResponse> probe = client.AppendEvents(
      {signer->Sign(MakeEvent(absl::StrCat(absl::GetFlag(FLAGS_prefix), "-probe"), 0,
                              static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()))))});
  if (!probe.ok() || probe->receipts(0).status() != v1::RECEIPT_STATUS_ACCEPTED) {
    return Fail(absl::StrCat("the recovered log does not accept a new event: ",
                             probe.ok() ? probe->receipts(0).error_message() : probe.status().ToString()));
  }
  std::cout << "check ok: " << size << " entries; " << at.size() << " acknowledged events ("
            << duplicates << " committed before a crash and acknowledged to the resend as DUPLICATE, "
            << reacknowledged << " acknowledged twice); "
            << journal->checkpoints.size() << " checkpoints consistent with the log\n";
  return 0;
}

int LastCheckpoint() {
  absl::StatusOr<Journal> journal = ReadJournal(absl::GetFlag(FLAGS_journal));
  if (!journal.ok() || journal->checkpoints.empty()) return 1;
  std::cout << journal->checkpoints.back();
  return 0;
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return 1;
  }
  ::close(fd);
  std::cout << ntohs(addr.sin_port) << "\n";
  return 0;
}

}  // namespace
}  // namespace lineage::crash

int main(int argc, char** argv) {
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string mode = args.size() > 1 ? args[1] : "";
  if (mode == "load") return lineage::crash::Load();
  if (mode == "check") return lineage::crash::Check();
  if (mode == "last-checkpoint") return lineage::crash::LastCheckpoint();
  if (mode == "free-port") return lineage::crash::FreePort();
  std::cerr << "usage: crash_load load|check|last-checkpoint|free-port [flags]\n";
  return 2;
}
