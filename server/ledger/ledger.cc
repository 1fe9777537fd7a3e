#include "server/ledger/ledger.h"

#include <atomic>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "crypto/formats.h"
#include "crypto/leaf.h"
#include "crypto/merkle_proof.h"
#include "server/ledger/key_policy.h"
#include "server/ledger/proto_time.h"
#include "server/ledger/startup_check.h"

namespace lineage {

// One AppendEvents call in flight. Its events are verified on the pool in
// chunks. A non-atomic batch goes to the writer chunk by chunk, in order, as
// soon as a chunk and every chunk before it are verified, so the writer
// indexes the first events while the pool still checks the last ones. An
// atomic batch goes whole once every chunk is verified, or is refused.
struct Ledger::AppendState {
  const v1::AppendEventsRequest* request;
  ProducerIdentity producer;
  Done<v1::AppendEventsResponse> done;
  std::vector<absl::StatusOr<VerifiedEvent>> verified;
  // Chunk c holds events [chunk_begin[c], chunk_begin[c + 1]).
  std::vector<int> chunk_begin;
  // Submissions (a chunk, or the whole atomic batch) not yet answered.
  std::atomic<int> unanswered{0};
  // Per event: its receipt's identity (set when submitted) and its outcome
  // (set by the writer's callback; each slot by one submission).
  std::vector<v1::Receipt> receipts;
  std::vector<std::optional<AppendOutcome>> outcomes;
  absl::Mutex mu;
  std::vector<bool> chunk_verified ABSL_GUARDED_BY(mu);
  size_t next_chunk ABSL_GUARDED_BY(mu) = 0;  // The first chunk not submitted.
  absl::Status failure ABSL_GUARDED_BY(mu);   // The first submission that failed.
  bool any_committed ABSL_GUARDED_BY(mu) = false;
  std::shared_ptr<const PublishedCheckpoint> checkpoint ABSL_GUARDED_BY(mu);
};

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const LedgerOptions& options,
                                                     Ed25519PrivateKey log_key) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                   Database::Open({.path = options.data_dir,
                                   .block_cache_bytes = options.block_cache_bytes}));
  Database& borrowed = *db;
  ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger,
                   Open(options, std::move(log_key), borrowed, nullptr));
  ledger->owned_db_ = std::move(db);
  return ledger;
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const LedgerOptions& options,
                                                     Ed25519PrivateKey log_key, Database& db,
                                                     EntryIndexer* indexer) {
  std::unique_ptr<Ledger> ledger(new Ledger());
  ledger->options_ = options;
  ledger->clock_ = options.clock != nullptr ? options.clock : &ledger->system_clock_;
  ledger->db_ = &db;
  ledger->store_ = std::make_unique<LogStore>(*ledger->db_);
  RETURN_IF_ERROR(ledger->store_->CheckOrInitFormat());
  ASSIGN_OR_RETURN(ledger->registry_, KeyRegistry::Load(*ledger->store_));
  ledger->signer_ = std::make_unique<CheckpointSigner>(options.origin, std::move(log_key));

  std::vector<NoteVerifier> previous_keys;
  for (const std::string& vkey : options.previous_log_keys) {
    absl::StatusOr<NoteVerifier> previous = NoteVerifier::Parse(vkey);
    if (!previous.ok() || previous->name() != options.origin) {
      return absl::InvalidArgumentError(absl::StrCat(
          "previous log key \"", vkey, "\": ",
          previous.ok() ? absl::StrCat("names origin ", previous->name(), ", want ", options.origin)
                        : std::string(previous.status().message())));
    }
    previous_keys.push_back(*std::move(previous));
  }
  ASSIGN_OR_RETURN(StartupState start,
                   CheckLogAtStartup(*ledger->store_, *ledger->signer_, previous_keys));
  if (start.checkpoint_is_new) {
    WriteBatch batch(*ledger->db_);
    ledger->store_->PutCheckpoint(batch, start.checkpoint->note);
    RETURN_IF_ERROR(ledger->db_->Write(batch, /*sync=*/true));
  }
  ledger->write_refusal_ = start.write_refusal;
  if (!start.write_refusal.ok()) LOG_ERROR(start.write_refusal.message());

  const int threads = options.verify_threads > 0
                          ? options.verify_threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Signature checks run a few nice levels below the log writer: with
  // every core busy verifying, the writer would otherwise wait for a core
  // for up to half its time (measured: groups planned in 70 ms of wall
  // time on 34 ms of CPU), delaying every receipt in the group.
  ledger->pool_ = std::make_unique<WorkerPool>(threads, options.verify_nice);
  ledger->writer_ = std::make_unique<LogWriter>(
      *ledger->store_, *ledger->registry_, *ledger->signer_, *ledger->clock_,
      std::move(start.frontier), std::move(start.checkpoint),
      LogWriter::Options{.slow_group = options.slow_commit_group}, indexer);
  if (!start.write_refusal.ok()) ledger->writer_->RefuseWrites(start.write_refusal);
  ledger->reader_ = std::make_unique<LogReader>(*ledger->store_, *ledger->writer_,
                                                LogReader::Limits());
  return ledger;
}

Ledger::~Ledger() {
  {
    absl::MutexLock lock(&ops_mu_);
    ops_mu_.Await(absl::Condition(+[](int* n) { return *n == 0; }, &ops_in_flight_));
  }
  // Stop the writer and the pool before the store and database they use.
  reader_.reset();
  writer_.reset();
  pool_.reset();
}

absl::StatusOr<PublishedCheckpoint> Ledger::CheckpointAt(uint64_t size) const {
  std::shared_ptr<const PublishedCheckpoint> latest = writer_->latest_checkpoint();
  if (latest == nullptr) return absl::FailedPreconditionError("the log has no verified checkpoint");
  if (size == latest->checkpoint.size) return *latest;
  if (size > latest->checkpoint.size) {
    return absl::InvalidArgumentError(absl::StrCat("tree_size: got ", size,
                                                   ", want at most the latest checkpoint's ",
                                                   latest->checkpoint.size));
  }
  ASSIGN_OR_RETURN(Hash root, ComputeRootAt(size, [&](int level, uint64_t index) {
                     return store_->ReadNode(level, index);
                   }));
  return signer_->Sign(size, root);
}

absl::StatusOr<uint64_t> Ledger::SizeAtTime(absl::Time time) const {
  std::shared_ptr<const PublishedCheckpoint> latest = writer_->latest_checkpoint();
  if (latest == nullptr) return absl::FailedPreconditionError("the log has no verified checkpoint");
  const int64_t want = absl::ToUnixMicros(time);
  // Integration times never decrease along the log: binary search for the
  // first leaf integrated after `time`.
  uint64_t lo = 0, hi = latest->checkpoint.size;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    ASSIGN_OR_RETURN(std::string bytes, store_->ReadLeaf(mid));
    ASSIGN_OR_RETURN(Leaf leaf, DecodeLeaf(bytes));
    if (static_cast<int64_t>(leaf.integrated_time_micros) <= want) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

namespace {

void FillRejected(v1::Receipt& receipt, const absl::Status& status) {
  receipt.set_status(v1::RECEIPT_STATUS_REJECTED);
  receipt.set_error_code(static_cast<int32_t>(status.code()));
  receipt.set_error_message(std::string(status.message()));
}

void FillAppended(v1::Receipt& receipt, const AppendOutcome& o) {
  if (o.kind == AppendOutcome::Kind::kRejected) {
    FillRejected(receipt, o.error);
    return;
  }
  receipt.set_status(o.kind == AppendOutcome::Kind::kAccepted ? v1::RECEIPT_STATUS_ACCEPTED
                                                              : v1::RECEIPT_STATUS_DUPLICATE);
  receipt.set_log_index(o.index);
  receipt.set_leaf_hash(std::string(HashBytes(o.leaf_hash)));
  receipt.set_leaf(o.leaf);
  receipt.set_salt(o.salt);
  *receipt.mutable_integrated_time() = ProtoTimeFromMicros(o.integrated_time_micros);
}

}  // namespace

void Ledger::BeginOperation() {
  absl::MutexLock lock(&ops_mu_);
  ++ops_in_flight_;
}

void Ledger::EndOperation() {
  absl::MutexLock lock(&ops_mu_);
  --ops_in_flight_;
}

void Ledger::AppendEvents(const v1::AppendEventsRequest& request, ProducerIdentity producer,
                          Done<v1::AppendEventsResponse> done) {
  const int n = request.events_size();
  if (n == 0) {
    std::move(done)(absl::InvalidArgumentError("events: empty batch, want 1 or more events"));
    return;
  }
  if (n > options_.max_batch_events) {
    std::move(done)(absl::ResourceExhaustedError(absl::StrCat(
        "events: got ", n, " in one batch, max ", options_.max_batch_events,
        "; split the batch or use StreamEvents")));
    return;
  }
  if (!write_refusal_.ok()) {
    std::move(done)(write_refusal_);
    return;
  }
  BeginOperation();
  auto state = std::make_shared<AppendState>();
  state->request = &request;
  state->producer = std::move(producer);
  state->done = std::move(done);
  state->verified.resize(n, absl::UnknownError("not verified"));
  state->receipts.resize(n);
  state->outcomes.resize(n);
  const bool atomic = request.atomic();
  // Non-atomic batches are cut finer (two chunks per thread), so the first
  // chunk reaches the writer after a quarter of the checks, not half.
  const int pieces = pool_->size() * (atomic ? 1 : 2);
  const int chunk = std::max(8, (n + pieces - 1) / pieces);
  for (int begin = 0; begin < n; begin += chunk) state->chunk_begin.push_back(begin);
  state->chunk_begin.push_back(n);
  const int chunks = static_cast<int>(state->chunk_begin.size()) - 1;
  state->unanswered.store(atomic ? 1 : chunks);
  {
    absl::MutexLock lock(&state->mu);
    state->chunk_verified.assign(chunks, false);
  }
  const absl::Time now = clock_->Now();
  const VerifyLimits limits{options_.max_payload_bytes};
  for (int c = 0; c < chunks; ++c) {
    pool_->Schedule([this, state, c, now, limits] {
      for (int i = state->chunk_begin[c]; i < state->chunk_begin[c + 1]; ++i) {
        state->verified[i] = VerifySignedEvent(state->request->events(i), *registry_, now, limits,
                                               &state->producer);
      }
      ChunkVerified(state, c);
    });
  }
}

void Ledger::ChunkVerified(const std::shared_ptr<AppendState>& state, int chunk) {
  absl::MutexLock lock(&state->mu);
  state->chunk_verified[chunk] = true;
  const size_t chunks = state->chunk_verified.size();
  const size_t first = state->next_chunk;
  while (state->next_chunk < chunks && state->chunk_verified[state->next_chunk]) {
    ++state->next_chunk;
  }
  // Submitted under the lock: chunks reach the writer's queue in order.
  if (state->request->atomic()) {
    if (first < chunks && state->next_chunk == chunks) {
      Submit(state, 0, state->chunk_begin.back());
    }
    return;
  }
  for (size_t c = first; c < state->next_chunk; ++c) {
    Submit(state, state->chunk_begin[c], state->chunk_begin[c + 1]);
  }
}

void Ledger::Submit(const std::shared_ptr<AppendState>& state, int begin, int end) {
  const bool atomic = state->request->atomic();
  std::vector<VerifiedEvent> verified;
  std::vector<int> positions;
  for (int i = begin; i < end; ++i) {
    absl::StatusOr<VerifiedEvent>& v = state->verified[i];
    if (!v.ok()) {
      if (!atomic) continue;  // Its receipt says why.
      state->failure = absl::Status(
          v.status().code(), absl::StrCat("atomic batch refused, nothing appended: event ", i,
                                          ": ", v.status().message()));
      Answered(state);
      return;
    }
    state->receipts[i].set_event_id(v->event.event_id());
    state->receipts[i].set_namespace_(v->event.namespace_());
    positions.push_back(i);
    verified.push_back(*std::move(v));
  }
  if (verified.empty()) {
    Answered(state);  // Nothing for the writer.
    return;
  }
  writer_->AppendEvents(
      std::move(verified), atomic,
      [this, state, positions = std::move(positions)](
          absl::StatusOr<std::vector<AppendOutcome>> outcomes,
          std::shared_ptr<const PublishedCheckpoint> checkpoint) mutable {
        {
          absl::MutexLock lock(&state->mu);
          if (!outcomes.ok()) {
            if (state->failure.ok()) state->failure = outcomes.status();
          } else {
            state->any_committed = true;
            for (size_t p = 0; p < positions.size(); ++p) {
              state->outcomes[positions[p]] = std::move((*outcomes)[p]);
            }
            if (checkpoint != nullptr &&
                (state->checkpoint == nullptr ||
                 checkpoint->checkpoint.size > state->checkpoint->checkpoint.size)) {
              state->checkpoint = std::move(checkpoint);
            }
          }
        }
        Answered(state);
      });
}

void Ledger::Answered(const std::shared_ptr<AppendState>& state) {
  if (state->unanswered.fetch_sub(1) == 1) {
    pool_->Schedule([this, state] { FinishAppend(state); });
  }
}

void Ledger::FinishAppend(const std::shared_ptr<AppendState>& state) {
  absl::Status failure;
  bool any_committed;
  std::shared_ptr<const PublishedCheckpoint> checkpoint;
  {
    absl::MutexLock lock(&state->mu);
    failure = state->failure;
    any_committed = state->any_committed;
    checkpoint = state->checkpoint;
  }
  if (!failure.ok()) {
    // Part of the batch may be durable already: say so, since the writer's
    // own message speaks for its group only. A retry of the whole batch
    // gets the original receipts for those (appends are idempotent).
    std::move(state->done)(
        any_committed ? absl::Status(failure.code(),
                                     absl::StrCat(failure.message(),
                                                  " (earlier events of this batch were appended; "
                                                  "resending the whole batch returns their receipts)"))
                      : failure);
    EndOperation();
    return;
  }
  v1::AppendEventsResponse response;
  for (size_t i = 0; i < state->verified.size(); ++i) {
    v1::Receipt* receipt = response.add_receipts();
    *receipt = std::move(state->receipts[i]);
    if (!state->verified[i].ok()) {
      FillRejected(*receipt, state->verified[i].status());
    } else if (state->outcomes[i].has_value()) {
      FillAppended(*receipt, *state->outcomes[i]);
    }
  }
  if (checkpoint == nullptr) checkpoint = writer_->latest_checkpoint();
  if (checkpoint != nullptr) *response.mutable_checkpoint() = ToProto(*checkpoint);
  std::move(state->done)(std::move(response));
  EndOperation();
}

void Ledger::RegisterKey(const v1::RegisterKeyRequest& request, std::string actor,
                         Done<v1::ProducerKey> done) {
  auto fail = [&](absl::Status s) { std::move(done)(std::move(s)); };
  if (!write_refusal_.ok()) return fail(write_refusal_);
  absl::StatusOr<Ed25519PublicKey> key =
      !request.public_key().empty() && !request.public_key_pem().empty()
          ? absl::InvalidArgumentError("give public_key or public_key_pem, not both")
      : !request.public_key().empty() ? Ed25519PublicKey::FromRaw(request.public_key())
      : !request.public_key_pem().empty()
          ? Ed25519PublicKey::FromPem(request.public_key_pem())
          : absl::InvalidArgumentError("public_key: missing (give 32 raw bytes or a PEM block)");
  if (!key.ok()) return fail(key.status());
  if (request.namespaces_size() == 0) {
    return fail(absl::InvalidArgumentError(
        "namespaces: empty, want at least one namespace or pattern the key may write"));
  }
  for (int i = 0; i < request.namespaces_size(); ++i) {
    absl::Status valid =
        ValidateNamespacePattern(request.namespaces(i), absl::StrCat("namespaces[", i, "]"));
    if (!valid.ok()) return fail(valid);
  }
  for (auto [has, t, field] : {std::tuple(request.has_not_before(), &request.not_before(), "not_before"),
                               std::tuple(request.has_not_after(), &request.not_after(), "not_after")}) {
    if (!has) continue;
    absl::Status valid = ValidateProtoTime(*t, field);
    if (!valid.ok()) return fail(valid);
  }
  if (request.has_not_before() && request.has_not_after() &&
      FromProtoTime(request.not_after()) <= FromProtoTime(request.not_before())) {
    return fail(absl::InvalidArgumentError("not_after: must be after not_before"));
  }
  if (request.owner().size() > 512 || request.description().size() > 2048) {
    return fail(absl::InvalidArgumentError("owner (max 512 bytes) or description (max 2048) too long"));
  }
  KeyChangeRequest change;
  change.type = KeyChangeRequest::Type::kRegister;
  change.actor = std::move(actor);
  change.key.set_key_id(KeyId::Of(*key).ToHex());
  change.key.set_public_key(key->raw());
  *change.key.mutable_namespaces() = request.namespaces();
  if (request.has_not_before()) *change.key.mutable_not_before() = request.not_before();
  if (request.has_not_after()) *change.key.mutable_not_after() = request.not_after();
  // No owner: the plaintext development principal ("local"); a key with an
  // owner no TLS caller can have is unusable rather than open to anyone.
  change.key.set_owner(request.owner().empty() ? "local" : request.owner());
  change.key.set_description(request.description());
  BeginOperation();
  writer_->ChangeKey(std::move(change), [this, done = std::move(done)](
                                            absl::StatusOr<v1::ProducerKey> key) mutable {
    if (key.ok()) key->set_state(KeyStateAt(*key, clock_->Now()));
    std::move(done)(std::move(key));
    EndOperation();
  });
}

void Ledger::RevokeKey(const v1::RevokeKeyRequest& request, std::string actor,
                       Done<v1::ProducerKey> done) {
  if (!write_refusal_.ok()) return std::move(done)(write_refusal_);
  absl::StatusOr<KeyId> id = KeyId::FromHex(request.key_id());
  if (!id.ok()) return std::move(done)(id.status());
  if (request.reason().empty() || request.reason().size() > 1024) {
    return std::move(done)(absl::InvalidArgumentError(
        "reason: want 1 to 1024 characters saying why the key is revoked"));
  }
  KeyChangeRequest change;
  change.type = KeyChangeRequest::Type::kRevoke;
  change.actor = std::move(actor);
  change.key.set_key_id(id->ToHex());
  change.key.set_revocation_reason(request.reason());
  BeginOperation();
  writer_->ChangeKey(std::move(change), [this, done = std::move(done)](
                                            absl::StatusOr<v1::ProducerKey> key) mutable {
    if (key.ok()) key->set_state(KeyStateAt(*key, clock_->Now()));
    std::move(done)(std::move(key));
    EndOperation();
  });
}

absl::StatusOr<v1::ListKeysResponse> Ledger::ListKeys(const v1::ListKeysRequest& request) const {
  v1::ListKeysResponse out;
  const absl::Time now = clock_->Now();
  for (const auto& key : registry_->List()) {
    const v1::KeyState state = KeyStateAt(key->record, now);
    if (state != v1::KEY_STATE_ACTIVE && !request.include_inactive()) continue;
    v1::ProducerKey* added = out.add_keys();
    *added = key->record;
    added->set_state(state);
  }
  return out;
}

}  // namespace lineage
