#include "bench/graph/synthetic_graph.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "crypto/hash.h"

namespace lineage::bench {
namespace {

constexpr int64_t kFirstDaySeconds = 1735689600;  // 2025-01-01T00:00:00Z.
constexpr int kAdhocSubjects = 3;                 // Tokens per ad hoc export.

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(std::initializer_list<uint64_t> parts) {
  uint64_t h = 0x5eed;
  for (uint64_t p : parts) h = Mix(h ^ Mix(p));
  return h;
}

std::string Team(int p) { return absl::StrFormat("acme.ml/p%02d", p); }
std::string DayLabel(int d) { return absl::StrFormat("d%03d", d); }
constexpr char kRaw[] = "acme.raw";
constexpr char kRef[] = "acme.ref";

const char* const kHubNames[] = {"calendar", "fx_rates",  "geo_regions",  "product_catalog",
                                 "holidays", "tax_rules", "store_master", "currency_codes",
                                 "channels", "segments",  "price_lists",  "suppliers"};

std::string HubName(int h) {
  constexpr int kNames = sizeof(kHubNames) / sizeof(kHubNames[0]);
  return h < kNames ? absl::StrCat("ref.", kHubNames[h]) : absl::StrCat("ref.hub", h);
}

// One dataset version as an input or output names it: identity only.
v1::DatasetVersion Version(const std::string& ns, const std::string& name,
                           const std::string& version) {
  v1::DatasetVersion v;
  v.set_namespace_(ns);
  v.set_name(name);
  v.set_version(version);
  v.set_digest(SyntheticGraph::DigestOf(absl::StrCat("dv|", ns, "|", name, "|", version)));
  return v;
}

v1::ModelVersion Model(int p, int m, int week) {
  v1::ModelVersion v;
  v.set_namespace_(Team(p));
  v.set_name(absl::StrCat("model-m", m));
  v.set_version(absl::StrFormat("w%02d", week));
  v.set_artifact_digest(SyntheticGraph::DigestOf(
      absl::StrCat("mv|", v.namespace_(), "|", v.name(), "|", v.version())));
  return v;
}

std::string SubjectToken(int p, int t, int j) {
  return absl::StrFormat("subj-%016x%08x", Hash({1, uint64_t(p), uint64_t(t), uint64_t(j)}),
                         static_cast<uint32_t>(Hash({2, uint64_t(p), uint64_t(t), uint64_t(j)})));
}

std::string AdhocToken(int p, int x, int d, int i) {
  return absl::StrFormat("adhoc-%016x",
                         Hash({3, uint64_t(p), uint64_t(x), uint64_t(d), uint64_t(i)}));
}

// The days a customer-table subject is present: [first, first + length).
std::pair<int, int> SubjectDays(const GraphShape& s, int p, int t, int j) {
  const int length = 3 + static_cast<int>(Hash({4, uint64_t(p), uint64_t(t), uint64_t(j)}) % 6);
  const int span = std::max(1, s.days - length);
  const int first = static_cast<int>(Hash({5, uint64_t(p), uint64_t(t), uint64_t(j)}) % span);
  return {first, first + length};
}

int HubVersion(const GraphShape& s, int d) { return d * s.hub_versions / s.days; }

class Emitter {
 public:
  Emitter(const GraphShape& shape, absl::FunctionRef<void(v1::LineageEvent)> emit)
      : s_(shape), emit_(emit) {}

  void Day(int d) {
    if (d == 0 || HubVersion(s_, d) != HubVersion(s_, d - 1)) HubExport(d);
    for (int p = 0; p < s_.pipelines; ++p) RawExport(p, d);
    for (int p = 0; p < s_.pipelines; ++p) Pipeline(p, d);
  }

 private:
  v1::LineageEvent NewEvent(const std::string& ns, int d, int minute) {
    v1::LineageEvent e;
    e.set_event_id(absl::StrFormat("ev-%08d", sequence_++));
    e.set_namespace_(ns);
    e.set_producer("https://github.com/lineage-ledger/bench/graph");
    e.mutable_event_time()->set_seconds(kFirstDaySeconds + int64_t{d} * 86400 + minute * 60);
    return e;
  }

  v1::LineageEvent Run(int p, int d, int minute, const std::string& job, v1::RunKind kind) {
    v1::LineageEvent e = NewEvent(Team(p), d, minute);
    e.set_event_type(v1::EVENT_TYPE_COMPLETE);
    e.mutable_job()->set_name(job);
    e.mutable_job()->set_code_version("v1");
    v1::Run* run = e.mutable_run();
    run->set_run_id(absl::StrCat(job, "-", DayLabel(d)));
    run->set_kind(kind);
    run->mutable_start_time()->set_seconds(e.event_time().seconds() - 300);
    run->mutable_end_time()->set_seconds(e.event_time().seconds());
    return e;
  }

  static void In(v1::LineageEvent& e, v1::DatasetVersion v) {
    *e.add_inputs()->mutable_dataset() = std::move(v);
  }
  static void Out(v1::LineageEvent& e, v1::DatasetVersion v, int p) {
    v.set_owner(absl::StrFormat("team-p%02d", p));
    v.set_location(absl::StrCat("s3://acme-ml/", Team(p), "/", v.name(), "/", v.version()));
    *e.add_outputs()->mutable_dataset() = std::move(v);
  }

  v1::DatasetVersion Hub(int h, int d) {
    return Version(kRef, HubName(h), absl::StrCat("v", HubVersion(s_, d)));
  }
  v1::DatasetVersion Raw(int p, int t, int d, int k) {
    return Version(kRaw, absl::StrFormat("p%02d.t%d", p, t),
                   absl::StrCat(DayLabel(d), "/part-", k));
  }
  v1::DatasetVersion Staging(int p, int t, int d, const char* suffix = "") {
    return Version(Team(p), absl::StrCat("stg.s", t, suffix), DayLabel(d));
  }
  v1::DatasetVersion Aggregate(int p, int a, int d) {
    return Version(Team(p), absl::StrCat("agg.a", a), DayLabel(d));
  }
  v1::DatasetVersion Feature(int p, int f, int d) {
    return Version(Team(p), absl::StrCat("feat.f", f), DayLabel(d));
  }

  void HubExport(int d) {
    v1::LineageEvent e = NewEvent(kRef, d, 0);
    for (int h = 0; h < s_.hubs; ++h) {
      v1::DatasetVersion v = Hub(h, d);
      v.set_classification(v1::CLASSIFICATION_PUBLIC);
      v.set_owner("platform");
      *e.add_datasets() = std::move(v);
    }
    emit_(std::move(e));
  }

  void RawExport(int p, int d) {
    v1::LineageEvent e = NewEvent(kRaw, d, 10);
    for (int t = 0; t < s_.raw_tables; ++t) {
      const bool customer = t < s_.customer_tables;
      std::vector<std::vector<std::string>> tokens(s_.raw_partitions);
      if (customer) {
        for (int j = 0; j < s_.subjects_per_table; ++j) {
          const auto [first, end] = SubjectDays(s_, p, t, j);
          if (d >= first && d < end) tokens[j % s_.raw_partitions].push_back(SubjectToken(p, t, j));
        }
      }
      for (int k = 0; k < s_.raw_partitions; ++k) {
        v1::DatasetVersion v = Raw(p, t, d, k);
        v.set_classification(customer ? v1::CLASSIFICATION_RESTRICTED
                                      : v1::CLASSIFICATION_INTERNAL);
        v.set_owner(absl::StrFormat("source-p%02d", p));
        v.set_location(absl::StrCat("s3://acme-raw/", v.name(), "/", v.version()));
        for (std::string& token : tokens[k]) v.add_subject_tokens(std::move(token));
        *e.add_datasets() = std::move(v);
      }
    }
    emit_(std::move(e));
  }

  void Pipeline(int p, int d) {
    const int S = s_.staging_tables, A = s_.aggregate_tables, F = s_.feature_tables;
    for (int t = 0; t < S; ++t) {
      v1::LineageEvent e = Run(p, d, 60, absl::StrCat("stg.s", t), v1::RUN_KIND_ETL);
      for (int r : {t % s_.raw_tables, (t + 3) % s_.raw_tables}) {
        for (int k = 0; k < s_.raw_partitions; ++k) In(e, Raw(p, r, d, k));
      }
      In(e, Hub((p + t) % s_.hubs, d));
      In(e, Hub((p + t + 5) % s_.hubs, d));
      Out(e, Staging(p, t, d), p);
      Out(e, Staging(p, t, d, ".rejects"), p);
      Out(e, Staging(p, t, d, ".profile"), p);
      emit_(std::move(e));
    }
    for (int a = 0; a < A; ++a) {
      v1::LineageEvent e = Run(p, d, 120, absl::StrCat("agg.a", a), v1::RUN_KIND_ETL);
      if (d > 0) In(e, Aggregate(p, a, d - 1));
      for (int k = 0; k < 4; ++k) In(e, Staging(p, (a * 4 + k) % S, d));
      Out(e, Aggregate(p, a, d), p);
      emit_(std::move(e));
    }
    for (int f = 0; f < F; ++f) {
      v1::LineageEvent e = Run(p, d, 180, absl::StrCat("feat.f", f), v1::RUN_KIND_ETL);
      for (int k = 0; k < 12; ++k) In(e, Staging(p, (f + k) % S, d));
      if (d > 0) {
        for (int k = 12; k < 16; ++k) In(e, Staging(p, (f + k) % S, d - 1));
      }
      for (int a = 0; a < A; ++a) In(e, Aggregate(p, a, d));
      if (d > 0) {
        for (int other : {(p + 1) % s_.pipelines, (p + 7) % s_.pipelines}) {
          for (int a = 0; a < A; ++a) In(e, Aggregate(other, a, d - 1));
        }
      }
      In(e, Hub((p + f) % s_.hubs, d));
      Out(e, Feature(p, f, d), p);
      emit_(std::move(e));
    }
    for (int m = 0; m < s_.models; ++m) {
      if (d % 7 == 6) Training(p, m, d);
      if (d >= 6) Inference(p, m, d);
    }
    for (int x = 0; x < s_.adhoc_exports; ++x) Adhoc(p, x, d);
  }

  void Training(int p, int m, int d) {
    const int week = d / 7;
    v1::LineageEvent train = Run(p, d, 240, absl::StrCat("train.m", m), v1::RUN_KIND_TRAINING);
    for (int k = 0; k < 8; ++k) {
      for (int back = 6; back >= 0; --back) {
        In(train, Feature(p, (m * 3 + k) % s_.feature_tables, d - back));
      }
    }
    v1::ModelVersion model = Model(p, m, week);
    model.set_owner(absl::StrFormat("team-p%02d", p));
    *train.add_outputs()->mutable_model() = model;
    emit_(std::move(train));

    v1::LineageEvent eval = Run(p, d, 300, absl::StrCat("eval.m", m), v1::RUN_KIND_EVALUATION);
    *eval.add_inputs()->mutable_model() = Model(p, m, week);
    for (int k = 0; k < 4; ++k) In(eval, Feature(p, (m + k) % s_.feature_tables, d));
    Out(eval, Version(Team(p), absl::StrCat("eval.m", m), absl::StrFormat("w%02d", week)), p);
    for (const char* env : {"staging", "production"}) {
      if (env[0] == 'p' && week % 2 != 0) continue;
      v1::Deployment* dep = eval.add_deployments();
      dep->set_name(absl::StrFormat("p%02d-m%d-%s", p, m, env));
      dep->set_environment(env);
      dep->set_region("eu-west-1");
      dep->set_endpoint(absl::StrFormat("https://m%d.p%02d.acme.internal/%s", m, p, env));
      *dep->mutable_model() = Model(p, m, week);
    }
    emit_(std::move(eval));
  }

  void Inference(int p, int m, int d) {
    v1::LineageEvent e = Run(p, d, 360, absl::StrCat("infer.m", m), v1::RUN_KIND_INFERENCE);
    *e.add_inputs()->mutable_model() = Model(p, m, (d - 6) / 7);
    for (int k = 0; k < 4; ++k) In(e, Feature(p, (m + 2 * k) % s_.feature_tables, d));
    Out(e, Version(Team(p), absl::StrCat("pred.m", m), DayLabel(d)), p);
    emit_(std::move(e));
  }

  void Adhoc(int p, int x, int d) {
    const std::string name = absl::StrFormat("p%02d.adhoc.x%d", p, x);
    v1::LineageEvent e = Run(p, d, 400 + x, absl::StrCat("explore.x", x), v1::RUN_KIND_OTHER);
    v1::DatasetVersion source = Version(kRaw, name, DayLabel(d));
    source.set_classification(v1::CLASSIFICATION_CONFIDENTIAL);
    source.set_owner(absl::StrFormat("source-p%02d", p));
    for (int i = 0; i < kAdhocSubjects; ++i) source.add_subject_tokens(AdhocToken(p, x, d, i));
    In(e, std::move(source));
    const v1::DatasetVersion report = Version(Team(p), absl::StrCat("report.x", x), DayLabel(d));
    Out(e, report, p);
    emit_(std::move(e));
    if (x != 1) return;
    v1::LineageEvent dash = Run(p, d, 420, "dashboard.x1", v1::RUN_KIND_OTHER);
    In(dash, report);
    Out(dash, Version(Team(p), "dashboard.x1", DayLabel(d)), p);
    emit_(std::move(dash));
  }

  const GraphShape& s_;
  absl::FunctionRef<void(v1::LineageEvent)> emit_;
  int64_t sequence_ = 0;
};

// Picks up to `n` of `count` indexes, deterministically in `seed`, in order.
std::vector<uint64_t> Pick(uint64_t count, int n, uint64_t seed) {
  std::vector<uint64_t> all(count);
  for (uint64_t i = 0; i < count; ++i) all[i] = i;
  for (uint64_t i = count; i > 1; --i) {  // Fisher-Yates with a fixed mixer.
    std::swap(all[i - 1], all[Hash({seed, i}) % i]);
  }
  all.resize(std::min<uint64_t>(count, static_cast<uint64_t>(n)));
  return all;
}

}  // namespace

std::string SyntheticGraph::DigestOf(const std::string& label) {
  return absl::StrCat("sha256:", HashToHex(Sha256(label)));
}

void SyntheticGraph::Generate(absl::FunctionRef<void(v1::LineageEvent)> emit) const {
  Emitter emitter(shape_, emit);
  for (int d = 0; d < shape_.days; ++d) emitter.Day(d);
}

SampleCatalog SyntheticGraph::Samples(int per_category, uint64_t seed) const {
  const GraphShape& s = shape_;
  SampleCatalog out;
  const int weeks = (s.days + 1) / 7;  // Training runs on days 6, 13, ...
  for (uint64_t i : Pick(uint64_t(s.pipelines) * s.models * weeks, per_category, seed + 1)) {
    const int p = i / (s.models * weeks), m = (i / weeks) % s.models, w = i % weeks;
    const v1::ModelVersion v = Model(p, m, w);
    out.model_versions.push_back({v1::NODE_KIND_MODEL_VERSION, v.artifact_digest(),
                                  absl::StrCat(v.namespace_(), " ", v.name(), " ", v.version())});
  }
  for (uint64_t i : Pick(uint64_t(s.hubs) * s.hub_versions, per_category, seed + 2)) {
    const int h = i / s.hub_versions, version = i % s.hub_versions;
    const v1::DatasetVersion v = Version(kRef, HubName(h), absl::StrCat("v", version));
    out.hub_versions.push_back({v1::NODE_KIND_DATASET_VERSION, v.digest(),
                                absl::StrCat(v.namespace_(), " ", v.name(), " ", v.version())});
  }
  for (uint64_t i :
       Pick(uint64_t(s.pipelines) * s.adhoc_exports * s.days, per_category, seed + 3)) {
    const int p = i / (s.adhoc_exports * s.days), x = (i / s.days) % s.adhoc_exports,
              d = i % s.days;
    const v1::DatasetVersion v =
        Version(kRaw, absl::StrFormat("p%02d.adhoc.x%d", p, x), DayLabel(d));
    out.adhoc_sources.push_back({v1::NODE_KIND_DATASET_VERSION, v.digest(),
                                 absl::StrCat(v.namespace_(), " ", v.name(), " ", v.version())});
  }
  for (uint64_t i : Pick(uint64_t(s.pipelines) * s.customer_tables * s.subjects_per_table,
                         per_category, seed + 4)) {
    const int p = i / (s.customer_tables * s.subjects_per_table),
              t = (i / s.subjects_per_table) % s.customer_tables, j = i % s.subjects_per_table;
    out.pipeline_subjects.push_back(SubjectToken(p, t, j));
  }
  for (uint64_t i : Pick(uint64_t(s.pipelines) * s.adhoc_exports * s.days * kAdhocSubjects,
                         per_category, seed + 5)) {
    const int per_export = kAdhocSubjects;
    const int p = i / (s.adhoc_exports * s.days * per_export),
              x = (i / (s.days * per_export)) % s.adhoc_exports, d = (i / per_export) % s.days,
              k = i % per_export;
    out.adhoc_subjects.push_back(AdhocToken(p, x, d, k));
  }
  return out;
}

}  // namespace lineage::bench
