#include "bench/event_corpus.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/support/slice.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace lineage::bench {
namespace {

constexpr const char* kNamespaces[] = {"acme.ml/fraud", "acme.ml/churn", "acme.data/warehouse",
                                       "acme.ml/recsys"};
constexpr const char* kTables[] = {"transactions", "customers", "merchants",     "devices",
                                   "chargebacks",  "sessions",  "features_daily"};

std::string Hex(std::mt19937_64& rng, int chars) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(chars, '0');
  uint64_t bits = 0;
  for (int i = 0; i < chars; ++i) {
    if (i % 16 == 0) bits = rng();
    out[i] = kDigits[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

std::string Uuid(std::mt19937_64& rng) {
  const std::string h = Hex(rng, 32);
  return absl::StrCat(h.substr(0, 8), "-", h.substr(8, 4), "-4", h.substr(13, 3), "-a",
                      h.substr(17, 3), "-", h.substr(20, 12));
}

template <size_t N>
const char* Pick(std::mt19937_64& rng, const char* const (&options)[N]) {
  return options[rng() % N];
}

// 64 hex characters determined by `key`: the content digest of a version
// that every producer reports alike.
std::string DigestOf(const std::string& key) {
  std::mt19937_64 rng(std::hash<std::string>{}(key));
  return absl::StrCat("sha256:", Hex(rng, 64));
}

void FillInputDataset(std::mt19937_64& rng, const std::string& event_ns, int day,
                      const CorpusShape& shape, v1::DatasetVersion& d) {
  if (rng() % 2 == 0) d.set_namespace_("acme.data/warehouse");  // Else the event's namespace.
  d.set_name(absl::StrCat("warehouse.", Pick(rng, kTables)));
  d.set_version(absl::StrFormat("2026-11-%02d", day));
  const std::string key =
      absl::StrCat(d.namespace_().empty() ? event_ns : d.namespace_(), "/", d.name());
  d.set_digest(shape.fresh_input_digests ? absl::StrCat("sha256:", Hex(rng, 64))
                                         : DigestOf(absl::StrCat(key, "@", d.version())));
  d.set_classification(std::hash<std::string>{}(key) % 2 == 0 ? v1::CLASSIFICATION_CONFIDENTIAL
                                                              : v1::CLASSIFICATION_INTERNAL);
}

}  // namespace

v1::LineageEvent MakeBenchEvent(const std::string& run_tag, uint64_t sequence,
                                const CorpusShape& shape) {
  std::mt19937_64 rng(std::hash<std::string>{}(run_tag)*0x9E3779B97F4A7C15ull ^ sequence);
  const int64_t base_seconds = 1'793'491'200;  // 2026-11-01T00:00:00Z.
  const int64_t t = base_seconds + static_cast<int64_t>(sequence % 2'000'000);
  const int day = 1 + static_cast<int>(sequence / 5000 % 28);  // New input versions over time.
  const bool training = rng() % 3 == 0;
  const std::string ns = Pick(rng, kNamespaces);

  v1::LineageEvent e;
  e.set_event_id(absl::StrCat(run_tag, "-", sequence));
  *e.mutable_event_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(t);
  e.set_namespace_(ns);
  e.set_producer("https://github.com/apache/airflow/tree/2.9.0");
  e.set_event_type(v1::EVENT_TYPE_COMPLETE);

  v1::Run& run = *e.mutable_run();
  run.set_run_id(Uuid(rng));
  run.set_kind(training ? v1::RUN_KIND_TRAINING : v1::RUN_KIND_ETL);
  *run.mutable_end_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(t);

  v1::Job& job = *e.mutable_job();
  const int job_number = static_cast<int>(rng() % 40);
  job.set_name(training ? "fraud_model.train" : absl::StrCat("daily_features.build_", job_number));
  // A git commit: the job's release, or with code_version_per_run a new one every run.
  std::mt19937_64 release(std::hash<std::string>{}(absl::StrCat(ns, job.name())));
  job.set_code_version(Hex(shape.code_version_per_run ? rng : release, 40));

  const int inputs = 1 + static_cast<int>(rng() % 5) / 2;  // 1, 2, 3 at 40%, 40%, 20%.
  for (int i = 0; i < inputs; ++i) {
    FillInputDataset(rng, ns, day, shape, *e.add_inputs()->mutable_dataset());
  }

  // The output is new: a model version or a dataset version per run.
  v1::Output& output = *e.add_outputs();
  if (training) {
    v1::ModelVersion& m = *output.mutable_model();
    m.set_name("fraud-detector");
    m.set_version(absl::StrCat(sequence));
    m.set_artifact_digest(absl::StrCat("sha256:", Hex(rng, 64)));
    m.set_owner("team-fraud");
  } else {
    v1::DatasetVersion& d = *output.mutable_dataset();
    d.set_name(absl::StrCat("features.build_", job_number));
    d.set_version(google::protobuf::util::TimeUtil::ToString(e.event_time()));
    d.set_digest(absl::StrCat("sha256:", Hex(rng, 64)));
    d.set_classification(v1::CLASSIFICATION_CONFIDENTIAL);
  }
  return e;
}

EventCorpus::EventCorpus(const EventSigner& signer, std::string run_tag, CorpusShape shape,
                         int threads)
    : signer_(signer),
      run_tag_(std::move(run_tag)),
      shape_(shape),
      threads_(threads > 0 ? threads
                           : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

std::vector<std::unique_ptr<EventBatch>> EventCorpus::MakeBatches(int64_t events, int batch_size) {
  batch_size = std::max(1, batch_size);
  const int64_t count = (events + batch_size - 1) / batch_size;
  std::vector<std::unique_ptr<EventBatch>> batches(count);
  const int64_t first = next_sequence_;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> payload_bytes{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < threads_; ++w) {
    workers.emplace_back([&] {
      int64_t bytes = 0;
      for (int64_t b = next.fetch_add(1); b < count; b = next.fetch_add(1)) {
        v1::AppendEventsRequest request;
        const int64_t begin = b * batch_size;
        const int64_t end = std::min<int64_t>(events, begin + batch_size);
        for (int64_t i = begin; i < end; ++i) {
          v1::SignedEvent signed_event = signer_.Sign(MakeBenchEvent(run_tag_, first + i, shape_));
          bytes += static_cast<int64_t>(signed_event.payload().size());
          *request.add_events() = std::move(signed_event);
        }
        auto batch = std::make_unique<EventBatch>();
        batch->events = static_cast<int>(end - begin);
        request.SerializeToString(&batch->bytes);
        grpc::Slice slice(batch->bytes.data(), batch->bytes.size(), grpc::Slice::STATIC_SLICE);
        batch->request = grpc::ByteBuffer(&slice, 1);
        batches[b] = std::move(batch);
      }
      payload_bytes.fetch_add(bytes);
    });
  }
  for (std::thread& t : workers) t.join();
  next_sequence_ += events;
  payload_bytes_ += payload_bytes.load();
  return batches;
}

double EventCorpus::mean_payload_bytes() const {
  return next_sequence_ == 0
             ? 0
             : static_cast<double>(payload_bytes_) / static_cast<double>(next_sequence_);
}

v1::AppendEventsRequest ParseBatch(const EventBatch& batch) {
  v1::AppendEventsRequest request;
  request.ParseFromString(batch.bytes);
  return request;
}

}  // namespace lineage::bench
