#include "tests/graph/pipeline_generator.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "tests/testing/events.h"

namespace lineage::testing {
namespace {

constexpr int64_t kBaseSeconds = 1763600000;

struct Version {
  bool model = false;
  std::string ns, name, version, digest;
};

struct RunInfo {
  std::string ns, job, run_id;
  std::vector<int> inputs, outputs;  // Into the version list.
};

class Generator {
 public:
  explicit Generator(const RandomPipelineOptions& o) : o_(o), rng_(o.seed) {}

  std::vector<v1::LineageEvent> Run() {
    for (int i = 0; i < o_.sources; ++i) Source(i);
    runs_.resize(o_.runs);
    for (int r = 0; r < o_.runs; ++r) {
      runs_[r].ns = Pick(PipelineNamespaces());
      runs_[r].job = absl::StrCat("job.", Pick(12));
      runs_[r].run_id = absl::StrCat("run-", o_.seed, "-", r);
    }
    for (int r = 0; r < o_.runs; ++r) Job(r);
    for (int i = 0; i < o_.catalog_updates; ++i) Catalog(i);
    for (int i = 0; i < o_.back_edges; ++i) BackEdge();
    return std::move(events_);
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  const std::string& Pick(const std::vector<std::string>& v) { return v[Pick(v.size())]; }
  bool Chance(int percent) { return Pick(100) < percent; }

  v1::LineageEvent& NewEvent(const std::string& ns, int64_t seconds) {
    v1::LineageEvent& e = events_.emplace_back();
    e.set_event_id(absl::StrCat("ev-", o_.seed, "-", events_.size()));
    e.set_namespace_(ns);
    e.set_producer("https://example.com/graph-test");
    e.mutable_event_time()->set_seconds(seconds);
    return e;
  }
  // Normal events get increasing times, multiples of 10 seconds.
  int64_t NextTime() { return kBaseSeconds + 10 * ++clock_; }

  void FillDataset(v1::DatasetVersion& d, const Version& v, bool with_digest) {
    d.set_namespace_(v.ns);
    d.set_name(v.name);
    d.set_version(v.version);
    if (with_digest) d.set_digest(v.digest);
  }
  void FillModel(v1::ModelVersion& m, const Version& v, bool with_digest) {
    m.set_namespace_(v.ns);
    m.set_name(v.name);
    m.set_version(v.version);
    if (with_digest) m.set_artifact_digest(v.digest);
  }

  void Source(int i) {
    Version v{false, Pick(PipelineNamespaces()), absl::StrCat("src.", i),
              absl::StrCat("2026-11-0", i % 9 + 1), ""};
    if (Chance(80)) v.digest = DigestOf(absl::StrCat("src-", o_.seed, "-", i));
    v1::LineageEvent& e = NewEvent(v.ns, NextTime());
    v1::DatasetVersion* d = e.add_datasets();
    FillDataset(*d, v, !v.digest.empty());
    if (Chance(50)) d->clear_namespace_();  // Inherits the event's.
    d->set_classification(static_cast<v1::Classification>(Pick(5)));
    d->set_owner(absl::StrCat("owner-", Pick(4)));
    d->set_region(Chance(50) ? "eu-west-1" : "us-east-1");
    d->set_location(absl::StrCat("s3://raw/", v.name));
    (*d->mutable_attributes())["format"] = Chance(50) ? "parquet" : "csv";
    if (Chance(50)) {
      for (int t = 0, n = 1 + Pick(3); t < n; ++t) {
        d->add_subject_tokens(absl::StrCat("subj:token-", Pick(10)));
      }
    }
    datasets_.push_back(versions_.size());
    versions_.push_back(v);
  }

  int PickDataset() {
    const int n = static_cast<int>(datasets_.size());
    return datasets_[Chance(50) ? Pick(n) : n - 1 - Pick(std::min(n, 20))];
  }

  void Job(int r) {
    RunInfo& run = runs_[r];
    const bool evaluation = !models_.empty() && Chance(10);
    const bool training = !evaluation && Chance(20);
    std::vector<int> inputs;
    for (int k = 0, n = 1 + Pick(3); k < n; ++k) {
      const int v = PickDataset();
      if (std::find(inputs.begin(), inputs.end(), v) == inputs.end()) inputs.push_back(v);
    }
    if (evaluation) inputs.push_back(models_[Pick(models_.size())]);
    std::vector<int> outputs;
    if (training) {
      Version m{true, run.ns, absl::StrCat("model.", Pick(3)), absl::StrCat(r), ""};
      if (Chance(80)) m.digest = DigestOf(absl::StrCat("model-", o_.seed, "-", r));
      models_.push_back(versions_.size());
      outputs.push_back(versions_.size());
      versions_.push_back(m);
    } else {
      for (int k = 0, n = 1 + Pick(2); k < n; ++k) {
        Version d{false, run.ns, absl::StrCat(evaluation ? "eval." : "ds.", r, ".", k), "v1", ""};
        if (Chance(85)) d.digest = DigestOf(absl::StrCat("ds-", o_.seed, "-", r, "-", k));
        outputs.push_back(versions_.size());
        versions_.push_back(d);
      }
    }
    run.inputs = inputs;
    run.outputs = outputs;

    auto base = [&](v1::EventType type, int64_t seconds) -> v1::LineageEvent& {
      v1::LineageEvent& e = NewEvent(run.ns, seconds);
      e.set_event_type(type);
      e.mutable_job()->set_name(run.job);
      e.mutable_job()->set_code_version(absl::StrCat("git:", Pick(1000)));
      v1::Run* rr = e.mutable_run();
      rr->set_run_id(run.run_id);
      rr->set_kind(training     ? v1::RUN_KIND_TRAINING
                   : evaluation ? v1::RUN_KIND_EVALUATION
                                : v1::RUN_KIND_ETL);
      return e;
    };
    auto add_inputs = [&](v1::LineageEvent& e) {
      for (int v : inputs) {
        const Version& in = versions_[v];
        const bool by_digest = !in.digest.empty() && Chance(70);
        if (in.model) {
          FillModel(*e.add_inputs()->mutable_model(), in, by_digest);
        } else {
          FillDataset(*e.add_inputs()->mutable_dataset(), in, by_digest);
        }
      }
    };
    auto add_outputs = [&](v1::LineageEvent& e) {
      for (int v : outputs) {
        const Version& out = versions_[v];
        if (out.model) {
          v1::ModelVersion* m = e.add_outputs()->mutable_model();
          FillModel(*m, out, !out.digest.empty());
          m->set_owner(absl::StrCat("ml-team-", Pick(3)));
        } else {
          v1::DatasetVersion* d = e.add_outputs()->mutable_dataset();
          FillDataset(*d, out, !out.digest.empty());
          if (Chance(50)) d->set_classification(static_cast<v1::Classification>(Pick(5)));
          d->set_owner(absl::StrCat("owner-", Pick(4)));
          if (Chance(10)) d->add_subject_tokens(absl::StrCat("subj:token-", Pick(10)));
        }
      }
    };
    auto add_parent = [&](v1::LineageEvent& e) {
      if (r == 0 || !Chance(20)) return;
      // Mostly an earlier run; sometimes one not reported yet, named by run
      // id and namespace only (its own events come later).
      const bool later = r + 1 < o_.runs && Chance(30);
      const RunInfo& p = later ? runs_[r + 1 + Pick(std::min(5, o_.runs - r - 1))] : runs_[Pick(r)];
      v1::ParentRun* parent = e.mutable_run()->mutable_parent();
      parent->set_run_id(p.run_id);
      parent->set_job_namespace(p.ns);
      if (!later) parent->set_job_name(p.job);
    };

    const int style = Pick(10);
    const int64_t t = NextTime();
    if (style < 5) {  // One COMPLETE event with everything.
      v1::LineageEvent& e = base(v1::EVENT_TYPE_COMPLETE, t);
      add_parent(e);
      add_inputs(e);
      add_outputs(e);
      e.mutable_run()->mutable_start_time()->set_seconds(t - 60);
      e.mutable_run()->mutable_end_time()->set_seconds(t);
    } else {  // START with inputs, COMPLETE with outputs; sometimes sent in reverse.
      const bool reversed = style >= 8;
      const int64_t t_complete = reversed ? t : NextTime();
      const int64_t t_start = reversed ? t - 3 : t;
      if (reversed) {
        v1::LineageEvent& done = base(v1::EVENT_TYPE_COMPLETE, t_complete);
        add_outputs(done);
        done.mutable_run()->mutable_end_time()->set_seconds(t_complete);
      }
      v1::LineageEvent& start = base(v1::EVENT_TYPE_START, t_start);
      add_parent(start);
      add_inputs(start);
      start.mutable_run()->mutable_start_time()->set_seconds(t_start);
      if (!reversed) {
        v1::LineageEvent& done = base(v1::EVENT_TYPE_COMPLETE, t_complete);
        add_outputs(done);
        done.mutable_run()->mutable_end_time()->set_seconds(t_complete);
      }
    }
    for (int v : outputs) {
      if (!versions_[v].model) datasets_.push_back(v);
    }
    if (training && Chance(60)) Deploy(outputs[0]);
  }

  void Deploy(int model) {
    const Version& m = versions_[model];
    v1::LineageEvent& e = NewEvent(m.ns, NextTime());
    v1::Deployment* d = e.add_deployments();
    d->set_name(absl::StrCat("deploy.", Pick(4)));
    d->set_environment(Chance(50) ? "production" : "staging");
    d->set_region(Chance(50) ? "eu-west-1" : "us-east-1");
    d->set_endpoint(absl::StrCat("https://serve.example.com/", m.name));
    FillModel(*d->mutable_model(), m, !m.digest.empty() && Chance(50));
  }

  // Re-asserts a version's owner (newer or older than what is known),
  // sometimes its tier, and gives name-only versions a digest.
  void Catalog(int i) {
    const Version& v = versions_[datasets_[Pick(datasets_.size())]];
    const bool older = Chance(50);
    const int64_t t = older ? kBaseSeconds + 10 * Pick(clock_ + 1) + 5 : NextTime();
    v1::LineageEvent& e = NewEvent(v.ns, t);
    // Unique even for older events: catalog times end in 5, one per slot.
    if (older) e.mutable_event_time()->set_nanos(1000 * (i + 1));
    v1::DatasetVersion* d = e.add_datasets();
    const bool add_digest = v.digest.empty() && Chance(60);
    FillDataset(*d, v, !v.digest.empty() && Chance(50));
    if (add_digest) d->set_digest(DigestOf(absl::StrCat("late-digest-", o_.seed, "-", i)));
    d->set_owner(absl::StrCat("catalog-owner-", i));
    if (Chance(30)) d->set_classification(v1::CLASSIFICATION_RESTRICTED);
  }

  // Run R1 also reads a version written by a run that read R1's output.
  void BackEdge() {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const RunInfo& r2 = runs_[Pick(runs_.size())];
      for (int in : r2.inputs) {
        for (const RunInfo& r1 : runs_) {
          if (&r1 == &r2 ||
              std::find(r1.outputs.begin(), r1.outputs.end(), in) == r1.outputs.end()) {
            continue;
          }
          const Version& v = versions_[r2.outputs[Pick(r2.outputs.size())]];
          v1::LineageEvent& e = NewEvent(r1.ns, NextTime());
          e.set_event_type(v1::EVENT_TYPE_RUNNING);
          e.mutable_job()->set_name(r1.job);
          e.mutable_run()->set_run_id(r1.run_id);
          if (v.model) {
            FillModel(*e.add_inputs()->mutable_model(), v, !v.digest.empty());
          } else {
            FillDataset(*e.add_inputs()->mutable_dataset(), v, !v.digest.empty());
          }
          return;
        }
      }
    }
  }

  const RandomPipelineOptions o_;
  std::mt19937 rng_;
  int64_t clock_ = 0;
  std::vector<v1::LineageEvent> events_;
  std::vector<Version> versions_;
  std::vector<int> datasets_;  // Dataset versions (not models), in creation order.
  std::vector<int> models_;
  std::vector<RunInfo> runs_;
};

}  // namespace

const std::vector<std::string>& PipelineNamespaces() {
  static const auto* kNamespaces = new std::vector<std::string>{
      "acme.raw", "acme.etl", "acme.ml/fraud", "acme.ml/churn", "globex.shared"};
  return *kNamespaces;
}

std::vector<v1::LineageEvent> RandomPipeline(const RandomPipelineOptions& options) {
  return Generator(options).Run();
}

std::string BigPipelineSourceDigest() { return DigestOf("big-source"); }

std::vector<v1::LineageEvent> BigPipeline(int layers, int runs_per_layer, int fan_in, int fan_out) {
  std::mt19937 rng(42);
  std::vector<v1::LineageEvent> events;
  auto event = [&](const std::string& id) -> v1::LineageEvent& {
    v1::LineageEvent& e = events.emplace_back();
    e.set_event_id(id);
    e.set_namespace_("acme.big");
    e.mutable_event_time()->set_seconds(kBaseSeconds + static_cast<int64_t>(events.size()));
    return e;
  };
  v1::DatasetVersion* source = event("big-source").add_datasets();
  source->set_name("big.source");
  source->set_version("1");
  source->set_digest(BigPipelineSourceDigest());
  source->set_classification(v1::CLASSIFICATION_RESTRICTED);
  std::vector<v1::DatasetVersion> previous = {*source};
  for (int layer = 0; layer < layers; ++layer) {
    std::vector<v1::DatasetVersion> written;
    for (int r = 0; r < runs_per_layer; ++r) {
      v1::LineageEvent& e = event(absl::StrCat("big-", layer, "-", r));
      e.set_event_type(v1::EVENT_TYPE_COMPLETE);
      e.mutable_job()->set_name(absl::StrCat("big.job.", layer));
      e.mutable_run()->set_run_id(absl::StrCat("big-run-", layer, "-", r));
      for (int k = 0; k < std::min<int>(fan_in, previous.size()); ++k) {
        v1::DatasetVersion* in = e.add_inputs()->mutable_dataset();
        *in = previous[rng() % previous.size()];
        in->clear_classification();
      }
      for (int k = 0; k < fan_out; ++k) {
        v1::DatasetVersion* out = e.add_outputs()->mutable_dataset();
        out->set_name(absl::StrCat("big.layer", layer));
        out->set_version(absl::StrCat(r, ".", k));
        out->set_digest(DigestOf(absl::StrCat("big-", layer, "-", r, "-", k)));
        written.push_back(*out);
      }
    }
    previous = std::move(written);
  }
  return events;
}

}  // namespace lineage::testing
