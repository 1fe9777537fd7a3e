// ingest_bench: durable ingest throughput of signed lineage events from N
// concurrent clients over loopback, beside the machine's own limit measured
// in the same run (Ed25519 verify rate per core x cores), and paced
// acknowledgement latency at a fraction of that throughput.
//
// Phases: start a real lineaged on a fresh data directory; sign every event
// ahead of time; measure the verify limit; warm up; closed-loop throughput;
// measure the verify limit again (the ratio uses the mean of both); open-loop
// latency; verify the log's evidence; print one table. Run it with
// bench/run_ingest.sh; docs/benchmarks.md explains the output.
//
// A benchmark, not a test: it exits non-zero only when it could not measure
// (server did not start, an event was not ACCEPTED, evidence did not verify).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/event_corpus.h"
#include "bench/ingest_load.h"
#include "bench/machine_limit.h"
#include "bench/run_stats.h"
#include "bench/server_process.h"
#include "client/event_signer.h"
#include "client/ledger_client.h"
#include "client/log_verifier.h"
#include "common/files.h"
#include "crypto/dsse.h"

ABSL_FLAG(std::string, lineaged, "",
          "Path of the lineaged binary (default: ../server/lineaged next to this binary).");
ABSL_FLAG(int, clients, 4, "Concurrent clients, each with its own connection.");
ABSL_FLAG(int, batch, 100, "Events per AppendEventsRequest.");
ABSL_FLAG(int64_t, events, 200000, "Events in the timed throughput phase.");
ABSL_FLAG(int64_t, warmup_events, 20000, "Events sent before timing starts.");
ABSL_FLAG(std::string, mode, "stream",
          "How clients send: 'stream' (StreamEvents, batches pipelined on one stream) or "
          "'unary' (concurrent AppendEvents calls).");
ABSL_FLAG(int, inflight, 4, "Batches in flight per client in the throughput phase.");
ABSL_FLAG(double, latency_seconds, 20, "Length of the paced latency phase (0: skip it).");
ABSL_FLAG(double, latency_fraction, 0.5, "Paced rate as a fraction of the measured throughput.");
ABSL_FLAG(double, latency_rate, 0, "Paced rate in events/s (overrides --latency_fraction).");
ABSL_FLAG(double, verify_seconds, 2,
          "Length of each Ed25519 verify measurement (1 thread, then every core; done before "
          "and after the throughput phase).");
ABSL_FLAG(std::string, data_parent, "",
          "Where the server's temporary data directory goes (default $TMPDIR or /tmp). Use a "
          "real disk: the sync is part of what is measured.");
ABSL_FLAG(bool, keep_data, false, "Keep the server's data directory and log.");
ABSL_FLAG(std::vector<std::string>, server_args, {},
          "Extra lineaged flags, comma-separated (e.g. --server_args=--verify_threads=2).");
ABSL_FLAG(int, threads_shown, 8, "Busiest server threads listed for the throughput phase.");
ABSL_FLAG(bool, code_version_per_run, false,
          "Stress: every run reports a new job code_version (a CI pipeline building every "
          "commit), so job nodes' property histories grow with every event.");
ABSL_FLAG(bool, fresh_input_digests, false,
          "Stress: input dataset versions get a new digest at every mention under repeating "
          "(name, version) labels (like \"latest\"), so each label collects ever more versions.");

namespace lineage::bench {
namespace {

std::string Row(const char* what, const Percentiles& p) {
  return absl::StrFormat("  %-34s %8.1f %8.1f %8.1f %8.1f  ms  (n=%d)\n", what, p.p50, p.p90, p.p99,
                         p.max, p.count);
}

std::string DefaultLineaged() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "server/lineaged";
  return (self.parent_path().parent_path() / "server" / "lineaged").string();
}

absl::Status WaitUntilServing(ServerProcess& server, absl::Duration timeout) {
  LedgerClient client(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()),
                      absl::Seconds(1));
  const absl::Time deadline = absl::Now() + timeout;
  absl::Status last;
  while (absl::Now() < deadline) {
    absl::Status running = server.CheckRunning();
    if (!running.ok()) return running;
    last = client.GetCheckpoint().status();
    if (last.ok()) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat("lineaged did not serve GetCheckpoint within ",
                                                  absl::FormatDuration(timeout), ": ",
                                                  last.ToString()));
}

// Checks the log's evidence: the final checkpoint's signature, its size
// against what was accepted, receipts, an inclusion and a consistency proof.
absl::Status VerifyLog(LedgerClient& client, const LogVerifier& verifier,
                       const std::vector<std::unique_ptr<EventBatch>>& batches,
                       const LoadResult& result, int64_t accepted_total, std::string& report) {
  absl::StatusOr<v1::SignedCheckpoint> signed_cp = client.GetCheckpoint();
  if (!signed_cp.ok()) return signed_cp.status();
  absl::StatusOr<Checkpoint> cp = verifier.VerifyCheckpoint(*signed_cp);
  if (!cp.ok()) return cp.status();
  absl::StatusOr<v1::ListKeysResponse> keys = client.ListKeys(/*include_inactive=*/true);
  if (!keys.ok()) return keys.status();
  const int64_t key_entries = keys->keys_size();  // One registration entry each; none revoked.
  if (static_cast<int64_t>(cp->size) != accepted_total + key_entries) {
    return absl::FailedPreconditionError(
        absl::StrCat("final checkpoint tree_size ", cp->size, ", want ", accepted_total,
                     " accepted events + ", key_entries, " key registration entries"));
  }
  absl::StrAppendFormat(&report,
                        "  final checkpoint signature OK; tree_size %d == %d accepted events + %d "
                        "key registration entr%s\n",
                        cp->size, accepted_total, key_entries, key_entries == 1 ? "y" : "ies");

  int receipts = 0;
  std::vector<v1::Receipt> checked;
  for (const auto& [index, response] : result.kept) {
    const v1::AppendEventsRequest request = ParseBatch(*batches[index]);
    for (int i = 0; i < request.events_size(); ++i) {
      absl::Status ok = verifier.VerifyReceipt(response.receipts(i), request.events(i));
      if (!ok.ok())
        return absl::Status(ok.code(),
                            absl::StrCat("receipt ", i, " of batch ", index, ": ", ok.message()));
      checked.push_back(response.receipts(i));
      ++receipts;
    }
  }
  if (checked.empty()) return absl::InternalError("no receipts were kept to verify");
  std::mt19937_64 rng(static_cast<uint64_t>(absl::ToUnixNanos(absl::Now())));
  const v1::Receipt& pick = checked[rng() % checked.size()];
  absl::StatusOr<v1::InclusionProof> proof = client.GetInclusionProofByIndex(pick.log_index());
  if (!proof.ok()) return proof.status();
  absl::StatusOr<Checkpoint> proof_cp = verifier.VerifyCheckpoint(proof->checkpoint());
  if (!proof_cp.ok()) return proof_cp.status();
  if (proof->leaf_hash() != pick.leaf_hash()) {
    return absl::FailedPreconditionError(
        "inclusion proof is for another leaf hash than the receipt's");
  }
  absl::Status included = verifier.VerifyInclusion(*proof, *proof_cp);
  if (!included.ok()) return included;

  const v1::AppendEventsResponse& first = result.kept.begin()->second;
  absl::StatusOr<Checkpoint> older = verifier.VerifyCheckpoint(first.checkpoint());
  if (!older.ok()) return older.status();
  absl::StatusOr<v1::ConsistencyProof> consistency =
      client.GetConsistencyProof(older->size, proof_cp->size);
  if (!consistency.ok()) return consistency.status();
  absl::Status consistent = verifier.VerifyConsistency(*consistency, *older, *proof_cp);
  if (!consistent.ok()) return consistent;
  absl::StrAppendFormat(&report,
                        "  %d receipts verified (%d batches); inclusion proof of index %d at size "
                        "%d OK; consistency %d -> %d OK\n",
                        receipts, result.kept.size(), pick.log_index(), proof_cp->size, older->size,
                        proof_cp->size);
  return absl::OkStatus();
}

std::set<int> SampleIndexes(size_t batches, std::mt19937_64& rng) {
  std::set<int> keep = {0, static_cast<int>(batches / 2), static_cast<int>(batches - 1)};
  for (int i = 0; i < 2; ++i) keep.insert(static_cast<int>(rng() % batches));
  return keep;
}

int Fail(const std::string& what, const absl::Status& status, const ServerProcess* server) {
  std::fprintf(stderr, "ingest_bench: %s: %s\n", what.c_str(), status.ToString().c_str());
  if (server != nullptr) {
    std::fprintf(stderr, "last lines of the server log (%s):\n%s",
                 server->options().log_file.c_str(), server->LogTail(15).c_str());
  }
  return 1;
}

int Run() {
  const int clients = std::max(1, absl::GetFlag(FLAGS_clients));
  const int batch_size = std::clamp(absl::GetFlag(FLAGS_batch), 1, 1000);
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::string mode_name = absl::GetFlag(FLAGS_mode);
  if (mode_name != "stream" && mode_name != "unary") {
    return Fail("--mode", absl::InvalidArgumentError("want 'stream' or 'unary'"), nullptr);
  }
  const IngestMode mode = mode_name == "stream" ? IngestMode::kStream : IngestMode::kUnary;
  std::string lineaged = absl::GetFlag(FLAGS_lineaged);
  if (lineaged.empty()) lineaged = DefaultLineaged();
  const std::string load_at_start = LoadAverage();

  // 1. A real server on a fresh data directory.
  absl::StatusOr<std::unique_ptr<TempDir>> temp =
      TempDir::Create(absl::GetFlag(FLAGS_data_parent), "lineage-ingest-bench-");
  if (!temp.ok()) return Fail("temporary directory", temp.status(), nullptr);
  if (absl::GetFlag(FLAGS_keep_data)) (*temp)->keep();
  const std::string data_dir = (*temp)->path() + "/data";
  ServerProcessOptions server_options{lineaged, data_dir, PickFreeLoopbackPort(),
                                      absl::GetFlag(FLAGS_server_args),
                                      (*temp)->path() + "/lineaged.log"};
  absl::StatusOr<std::unique_ptr<ServerProcess>> started = ServerProcess::Start(server_options);
  if (!started.ok()) return Fail("starting lineaged", started.status(), nullptr);
  ServerProcess& server = **started;
  if (absl::Status s = WaitUntilServing(server, absl::Seconds(60)); !s.ok()) {
    return Fail("waiting for lineaged", s, &server);
  }
  absl::StatusOr<std::string> pem = ReadFile(data_dir + "/keys/dev-producer.pem");
  if (!pem.ok()) return Fail("reading the dev producer key", pem.status(), &server);
  absl::StatusOr<Ed25519PrivateKey> producer_key = Ed25519PrivateKey::FromPem(*pem);
  if (!producer_key.ok())
    return Fail("parsing the dev producer key", producer_key.status(), &server);
  absl::StatusOr<std::string> vkey = ReadFile(data_dir + "/keys/log.pem.vkey");
  if (!vkey.ok()) return Fail("reading the log verifier key", vkey.status(), &server);
  absl::StatusOr<LogVerifier> verifier =
      LogVerifier::FromVerifierKey(absl::StripAsciiWhitespace(*vkey));
  if (!verifier.ok()) return Fail("parsing the log verifier key", verifier.status(), &server);
  const EventSigner signer(*std::move(producer_key));

  // 2. Every event of the warm-up and throughput phases signed ahead of time.
  std::mt19937_64 rng(static_cast<uint64_t>(absl::ToUnixNanos(absl::Now())));
  const CorpusShape shape{absl::GetFlag(FLAGS_code_version_per_run),
                          absl::GetFlag(FLAGS_fresh_input_digests)};
  EventCorpus corpus(signer, absl::StrCat("bench-", absl::Hex(rng() & 0xffffffff)), shape, cores);
  absl::Time t0 = absl::Now();
  std::vector<std::unique_ptr<EventBatch>> warmup =
      corpus.MakeBatches(absl::GetFlag(FLAGS_warmup_events), batch_size);
  std::vector<std::unique_ptr<EventBatch>> timed =
      corpus.MakeBatches(absl::GetFlag(FLAGS_events), batch_size);
  const double sign_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  const int64_t signed_ahead = corpus.signed_events();
  if (timed.empty())
    return Fail("--events", absl::InvalidArgumentError("want at least 1"), &server);

  // 3. The machine limit: Ed25519 verify of real events' PAE, one key.
  std::vector<std::string> messages, signatures;
  double pae_bytes = 0;
  const v1::AppendEventsRequest sample = ParseBatch(*timed.front());
  for (const v1::SignedEvent& e : sample.events()) {
    messages.push_back(PreAuthEncode(e.payload_type(), e.payload()));
    signatures.push_back(e.signature());
    pae_bytes += static_cast<double>(messages.back().size());
  }
  pae_bytes /= static_cast<double>(messages.size());
  const absl::Duration verify_time = absl::Seconds(absl::GetFlag(FLAGS_verify_seconds));
  auto measure_limit = [&](VerifyRate& one, VerifyRate& all) {
    one = MeasureVerifyRate(signer.public_key(), messages, signatures, 1, verify_time);
    all = MeasureVerifyRate(signer.public_key(), messages, signatures, cores, verify_time);
    return one.failures + all.failures == 0;
  };
  VerifyRate one_before, all_before, one_after, all_after;
  if (!measure_limit(one_before, all_before)) {
    return Fail("verify limit", absl::InternalError("a valid signature did not verify"), &server);
  }

  // 4. Warm-up, then the closed-loop throughput phase.
  absl::StatusOr<std::unique_ptr<IngestLoad>> load =
      IngestLoad::Connect(server.address(), clients, mode);
  if (!load.ok()) return Fail("connecting clients", load.status(), &server);
  const int inflight = std::max(1, absl::GetFlag(FLAGS_inflight));
  LoadResult warm = (*load)->RunClosedLoop(warmup, inflight, {});
  if (!warm.ok()) return Fail("warm-up", absl::InternalError(warm.first_error), &server);

  const std::vector<ThreadUsage> threads_before = server.Threads();
  PhaseMeter meter(server);
  LoadResult run = (*load)->RunClosedLoop(timed, inflight, SampleIndexes(timed.size(), rng));
  const PhaseCost cost = meter.Stop();
  const std::vector<ThreadUsage> threads_after = server.Threads();
  if (!run.ok()) return Fail("throughput phase", absl::InternalError(run.first_error), &server);
  const double throughput = run.events_per_second();

  // The limit again, right after: the VM's speed drifts, so the ratio uses
  // the mean of the measurements on either side of the throughput phase.
  if (!measure_limit(one_after, all_after)) {
    return Fail("verify limit", absl::InternalError("a valid signature did not verify"), &server);
  }
  const double per_core = (one_before.per_second + one_after.per_second) / 2;
  const double all_cores = (all_before.per_second + all_after.per_second) / 2;
  const double limit = per_core * cores;

  // 5. Open-loop latency at a fraction of that throughput.
  double paced_rate = absl::GetFlag(FLAGS_latency_rate);
  if (paced_rate <= 0) paced_rate = throughput * absl::GetFlag(FLAGS_latency_fraction);
  const double latency_seconds = absl::GetFlag(FLAGS_latency_seconds);
  LoadResult paced;
  PhaseCost paced_cost;
  int64_t paced_events = 0;
  if (latency_seconds > 0) {
    paced_events =
        std::max<int64_t>(batch_size, static_cast<int64_t>(paced_rate * latency_seconds));
    std::vector<std::unique_ptr<EventBatch>> paced_batches =
        corpus.MakeBatches(paced_events, batch_size);
    const absl::Duration interval = absl::Seconds(batch_size / paced_rate);
    PhaseMeter paced_meter(server);
    paced = (*load)->RunOpenLoop(paced_batches, interval, {0});
    paced_cost = paced_meter.Stop();
    if (!paced.ok()) return Fail("latency phase", absl::InternalError(paced.first_error), &server);
  }

  // 6. The evidence verifies, and the log holds exactly what was accepted.
  const ProcessUsage end_usage = server.Usage();
  LedgerClient client(grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  std::string evidence;
  if (absl::Status s =
          VerifyLog(client, *verifier, timed, run,
                    warm.accepted_events + run.accepted_events + paced.accepted_events, evidence);
      !s.ok()) {
    return Fail("verifying the log", s, &server);
  }
  const std::string load_at_end = LoadAverage();
  if (absl::Status s = server.Stop(absl::Seconds(30)); !s.ok()) {
    return Fail("stopping lineaged", s, &server);
  }

  // 7. The report.
  const double wall = run.seconds();
  const double server_us = cost.server_cpu / static_cast<double>(run.accepted_events) * 1e6;
  const double verify_us = 1e6 / per_core;
  std::string out;
  absl::StrAppendFormat(&out, "\n== Lineage Ledger ingest benchmark ==\n");
  absl::StrAppendFormat(&out, "machine   %s\n", MachineDescription((*temp)->path()));
  absl::StrAppendFormat(&out, "load avg  %s at start, %s at end (1/5/15 min)\n", load_at_start,
                        load_at_end);
  absl::StrAppendFormat(&out, "server    %s %s(separate process, dev keys, durable: WAL synced)\n",
                        lineaged, absl::StrJoin(absl::GetFlag(FLAGS_server_args), " "));
  absl::StrAppendFormat(&out,
                        "clients   %d x %s, %d events/batch, %d batches in flight per client, "
                        "requests pre-serialized\n",
                        clients, mode == IngestMode::kStream ? "StreamEvents" : "AppendEvents",
                        batch_size, inflight);
  absl::StrAppendFormat(
      &out,
      "events    payload %.0f B mean, PAE %.0f B; %d signed ahead in %.1f s (paced phase's signed "
      "after the throughput phase)\n\n",
      corpus.mean_payload_bytes(), pae_bytes, signed_ahead, sign_seconds);

  absl::StrAppendFormat(&out, "  %-46s %10s %9s\n", "", "events/s", "of limit");
  absl::StrAppendFormat(&out, "  %-46s %10.0f %8.1f%%\n",
                        absl::StrFormat("machine limit (verify per core x %d cores)", cores), limit,
                        100.0);
  absl::StrAppendFormat(&out, "  %-46s %10.0f %9s   before %.0f, after %.0f\n",
                        "  Ed25519 verify, 1 thread (per core)", per_core, "",
                        one_before.per_second, one_after.per_second);
  absl::StrAppendFormat(&out, "  %-46s %10.0f %8.1f%%   before %.0f, after %.0f\n",
                        absl::StrFormat("  Ed25519 verify, %d threads (measured)", cores),
                        all_cores, 100 * all_cores / limit, all_before.per_second,
                        all_after.per_second);
  absl::StrAppendFormat(&out, "  %-46s %10.0f %8.1f%%   (target >= 70%%)\n",
                        "ledger ingest, durable, closed loop", throughput,
                        100 * throughput / limit);
  absl::StrAppendFormat(&out, "  %-46s %10s %9s   %d events in %.2f s\n", "", "", "",
                        run.accepted_events, wall);
  std::vector<std::string> slices;
  for (double rate : RateBySlice(run, 10)) slices.push_back(absl::StrFormat("%.0f", rate));
  absl::StrAppendFormat(&out, "  ingest events/s by tenth of the run: %s\n\n",
                        absl::StrJoin(slices, " "));

  absl::StrAppendFormat(&out, "  latency                            %8s %8s %8s %8s\n", "p50",
                        "p90", "p99", "max");
  out += Row("throughput phase, per batch", Summarize(BatchLatencies(run)));
  if (latency_seconds > 0) {
    absl::StrAppendFormat(
        &out, "  paced (open loop) at %.0f events/s = %.0f%% of ingest; achieved %.0f events/s:\n",
        paced_rate, 100 * paced_rate / throughput, paced.events_per_second());
    out += Row("per batch (due -> receipts)", Summarize(BatchLatencies(paced)));
    out += Row("per event, incl. batch fill wait",
               Summarize(EventLatenciesWithFill(paced, paced_rate)));
    out += "  (p99 target at half rate: < 50 ms per batch)\n";
  }
  out += "\n";

  absl::StrAppendFormat(&out, "  cost, throughput phase (%.1f s wall, %d cores = %.1f core-s):\n",
                        wall, cores, wall * cores);
  absl::StrAppendFormat(&out,
                        "    server CPU  %6.1f core-s = %5.1f%% of machine; %.0f us/event "
                        "(Ed25519 verify alone %.0f us = %.0f%%)\n",
                        cost.server_cpu, 100 * cost.server_cpu / (wall * cores), server_us,
                        verify_us, 100 * verify_us / server_us);
  absl::StrAppendFormat(&out,
                        "    client CPU  %6.1f core-s = %5.1f%% of machine; %.3f s per 1k events\n",
                        cost.client_cpu, 100 * cost.client_cpu / (wall * cores),
                        cost.client_cpu / static_cast<double>(run.accepted_events) * 1000);
  absl::StrAppendFormat(
      &out,
      "    other CPU   %6.1f core-s = %5.1f%% of machine (other processes: noise); "
      "VM steal %.1f s\n",
      cost.other_cpu, 100 * cost.other_cpu / (wall * cores), cost.steal);
  if (latency_seconds > 0) {
    absl::StrAppendFormat(
        &out,
        "    paced phase: server %.0f us/event, client %.3f s per 1k events, other CPU %.1f%%\n",
        paced_cost.server_cpu / static_cast<double>(paced.accepted_events) * 1e6,
        paced_cost.client_cpu / static_cast<double>(paced.accepted_events) * 1000,
        100 * paced_cost.other_cpu / (paced.seconds() * cores));
  }
  absl::StrAppendFormat(&out,
                        "    server memory at end: VmRSS %.0f MiB, VmHWM %.0f MiB, %d threads\n",
                        end_usage.rss_kib / 1024.0, end_usage.hwm_kib / 1024.0, end_usage.threads);
  const double events = static_cast<double>(run.accepted_events);
  const std::vector<ThreadCost> threads = ThreadCosts(threads_before, threads_after);
  const int shown = std::min<int>(absl::GetFlag(FLAGS_threads_shown), threads.size());
  if (shown > 0) {
    absl::StrAppendFormat(&out, "  busiest server threads, throughput phase:\n");
    for (int i = 0; i < shown; ++i) {
      absl::StrAppendFormat(
          &out, "    %-16s tid %-7d %6.2f s = %5.1f%% of a core, %4.0f us/event\n", threads[i].name,
          threads[i].tid, threads[i].cpu_seconds, 100 * threads[i].cpu_seconds / wall,
          threads[i].cpu_seconds / events * 1e6);
    }
    // CPU time per event hardly depends on neighbours, so these ceilings
    // hold even when "other CPU" spoiled the throughput figure.
    const double all_cores_cap = cores * 1e6 / server_us;
    const double serial_cap = events / threads[0].cpu_seconds;
    absl::StrAppendFormat(&out, "  ceilings from CPU time per event (robust to neighbours):\n");
    absl::StrAppendFormat(&out,
                          "    server given all %d cores: %6.0f events/s = %5.1f%% of limit\n",
                          cores, all_cores_cap, 100 * all_cores_cap / limit);
    absl::StrAppendFormat(
        &out, "    busiest thread given a core: %6.0f events/s = %5.1f%% of limit%s\n", serial_cap,
        100 * serial_cap / limit, serial_cap < all_cores_cap ? "  <- serial bottleneck" : "");
  }
  absl::StrAppendFormat(&out, "\n  evidence:\n%s", evidence);
  absl::StrAppendFormat(
      &out,
      "\nRESULT ingest_events_per_s=%.0f limit_events_per_s=%.0f ratio=%.3f "
      "verify_all_cores_per_s=%.0f paced_rate=%.0f paced_p50_ms=%.1f paced_p99_ms=%.1f "
      "rss_mib=%.0f hwm_mib=%.0f client_cpu_s_per_1k=%.3f server_us_per_event=%.0f "
      "other_cpu_pct=%.1f busiest_thread_us_per_event=%.0f\n",
      throughput, limit, throughput / limit, all_cores, paced_rate,
      Summarize(BatchLatencies(paced)).p50, Summarize(BatchLatencies(paced)).p99,
      end_usage.rss_kib / 1024.0, end_usage.hwm_kib / 1024.0,
      cost.client_cpu / static_cast<double>(run.accepted_events) * 1000, server_us,
      100 * cost.other_cpu / (wall * cores),
      threads.empty() ? 0.0 : threads[0].cpu_seconds / events * 1e6);
  std::fputs(out.c_str(), stdout);
  if (absl::GetFlag(FLAGS_keep_data)) std::printf("data kept in %s\n", (*temp)->path().c_str());
  return 0;
}

}  // namespace
}  // namespace lineage::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Measures durable ingest throughput and latency of a real lineaged against this "
      "machine's Ed25519 verify limit. See docs/benchmarks.md.");
  absl::ParseCommandLine(argc, argv);
  return lineage::bench::Run();
}
