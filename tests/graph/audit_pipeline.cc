#include "tests/graph/audit_pipeline.h"

#include "absl/strings/str_cat.h"
#include "tests/testing/events.h"

namespace lineage::testing {
namespace {

constexpr int64_t kStart = 1763600000;

struct Version {
  std::string ns, name, version, digest, owner;
  v1::Classification tier = v1::CLASSIFICATION_UNSPECIFIED;
};

v1::DatasetVersion Dataset(const Version& v) {
  v1::DatasetVersion d;
  d.set_namespace_(v.ns);
  d.set_name(v.name);
  d.set_version(v.version);
  d.set_digest(v.digest);
  return d;
}

std::string Key(const Version& v) { return "DATASET_VERSION|d|" + v.digest; }

}  // namespace

AuditPipeline MakeAuditPipeline() {
  AuditPipeline p;
  p.token_a = "hmac:subject-aaaa";
  p.token_b = "hmac:subject-bbbb";
  p.token_c = "hmac:subject-cccc";
  const Version s1{"acme.raw",   "customers",
                   "2026-11-01", DigestOf("customers-11"),
                   "crm",        v1::CLASSIFICATION_RESTRICTED};
  const Version s1o{"acme.raw",   "customers",
                    "2026-10-01", DigestOf("customers-10"),
                    "crm",        v1::CLASSIFICATION_RESTRICTED};
  const Version s2{"acme.raw",   "transactions",
                   "2026-11-01", DigestOf("transactions"),
                   "payments",   v1::CLASSIFICATION_CONFIDENTIAL};
  const Version s3{"acme.raw", "country_codes",          "1", DigestOf("country-codes"),
                   "ref-data", v1::CLASSIFICATION_PUBLIC};
  const Version c1{"acme.etl", "clean.customers", "1", DigestOf("clean-customers"), "etl-team"};
  const Version c2{"acme.etl", "clean.transactions", "1", DigestOf("clean-tx"), "etl-team"};
  const Version a1{"acme.etl", "archive.customers", "2026-10", DigestOf("archive"), "archive-team"};
  const Version f1{"acme.features", "features.fraud", "7", DigestOf("features-fraud"),
                   "feature-team"};
  const Version g1{"acme.features", "features.geo", "1", DigestOf("features-geo"), "geo-team"};
  const Version e1{"acme.ml", "eval.fraud", "7", DigestOf("eval-fraud"), "eval-team"};
  const Version m1{"acme.ml", "fraud-model", "7", DigestOf("fraud-model-7"), "ml-team"};
  const Version m2{"acme.ml", "geo-model", "1", DigestOf("geo-model-1"), "ml-team"};

  int64_t clock = 0;
  auto event = [&](const std::string& id, const std::string& ns) -> v1::LineageEvent& {
    v1::LineageEvent& e = p.events.emplace_back();
    e.set_event_id(id);
    e.set_namespace_(ns);
    e.set_producer("https://example.com/audit-pipeline");
    e.mutable_event_time()->set_seconds(kStart + 60 * ++clock);
    return e;
  };
  auto source = [&](const Version& v, std::vector<std::string> tokens, bool pii) {
    v1::DatasetVersion* d = event("source-" + v.name + "-" + v.version, v.ns).add_datasets();
    *d = Dataset(v);
    d->set_classification(v.tier);
    d->set_owner(v.owner);
    d->set_location(absl::StrCat("s3://acme-raw/", v.name, "/", v.version));
    d->set_region(v.name == "transactions" ? "us-east-1" : "eu-west-1");
    (*d->mutable_attributes())["pii"] = pii ? "true" : "false";
    for (const std::string& t : tokens) d->add_subject_tokens(t);
  };
  auto run = [&](const std::string& run_id, const std::string& ns, const std::string& job,
                 v1::RunKind kind, std::vector<Version> inputs, const Version& output,
                 bool model_in = false, bool model_out = false) {
    v1::LineageEvent& e = event(run_id, ns);
    e.set_event_type(v1::EVENT_TYPE_COMPLETE);
    e.mutable_job()->set_name(job);
    e.mutable_job()->set_code_version("git:" + job);
    e.mutable_run()->set_run_id(run_id);
    e.mutable_run()->set_kind(kind);
    e.mutable_run()->mutable_start_time()->set_seconds(e.event_time().seconds() - 30);
    e.mutable_run()->mutable_end_time()->set_seconds(e.event_time().seconds());
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (model_in && i == 0) {
        v1::ModelVersion* m = e.add_inputs()->mutable_model();
        m->set_namespace_(inputs[i].ns);
        m->set_name(inputs[i].name);
        m->set_version(inputs[i].version);
        m->set_artifact_digest(inputs[i].digest);
      } else {
        *e.add_inputs()->mutable_dataset() = Dataset(inputs[i]);
      }
    }
    if (model_out) {
      v1::ModelVersion* m = e.add_outputs()->mutable_model();
      m->set_name(output.name);
      m->set_version(output.version);
      m->set_artifact_digest(output.digest);
      m->set_owner(output.owner);
    } else {
      v1::DatasetVersion* d = e.add_outputs()->mutable_dataset();
      *d = Dataset(output);
      d->set_owner(output.owner);
    }
    return absl::StrCat("RUN|", ns, "|", run_id);
  };
  auto deploy = [&](const std::string& id, const Version& model,
                    std::vector<std::pair<std::string, std::string>> deployments) {
    v1::LineageEvent& e = event(id, "acme.serving");
    for (const auto& [name, environment] : deployments) {
      v1::Deployment* d = e.add_deployments();
      d->set_name(name);
      d->set_environment(environment);
      d->set_region("eu-west-1");
      d->set_endpoint("https://" + name + ".acme.internal/v1");
      d->mutable_model()->set_namespace_(model.ns);
      d->mutable_model()->set_name(model.name);
      d->mutable_model()->set_version(model.version);
      d->mutable_model()->set_artifact_digest(model.digest);
    }
  };

  source(s1, {p.token_a, p.token_b}, true);
  source(s1o, {p.token_a}, true);
  source(s2, {p.token_b, p.token_c}, true);
  source(s3, {}, false);
  p.etl_customers =
      run("etl-customers", "acme.etl", "clean_customers", v1::RUN_KIND_ETL, {s1, s3}, c1);
  p.etl_transactions =
      run("etl-transactions", "acme.etl", "clean_transactions", v1::RUN_KIND_ETL, {s2}, c2);
  p.archive = run("archive", "acme.etl", "archive_customers", v1::RUN_KIND_ETL, {s1o}, a1);
  p.build_features =
      run("build-features", "acme.features", "build_features", v1::RUN_KIND_ETL, {c1, c2}, f1);
  p.build_geo = run("build-geo", "acme.features", "build_geo", v1::RUN_KIND_ETL, {s3}, g1);
  p.train_fraud = run("train-fraud", "acme.ml", "train_fraud", v1::RUN_KIND_TRAINING, {f1, g1}, m1,
                      false, true);
  p.train_geo =
      run("train-geo", "acme.ml", "train_geo", v1::RUN_KIND_TRAINING, {g1}, m2, false, true);
  p.evaluate = run("evaluate", "acme.ml", "evaluate", v1::RUN_KIND_EVALUATION, {m1, c2}, e1, true);
  deploy("deploy-fraud", m1, {{"fraud-api-prod", "production"}, {"fraud-api-staging", "staging"}});
  deploy("deploy-geo", m2, {{"geo-api", "production"}});

  p.s1 = Key(s1);
  p.s1o = Key(s1o);
  p.s2 = Key(s2);
  p.s3 = Key(s3);
  p.c1 = Key(c1);
  p.c2 = Key(c2);
  p.a1 = Key(a1);
  p.f1 = Key(f1);
  p.g1 = Key(g1);
  p.e1 = Key(e1);
  p.m1 = "MODEL_VERSION|d|" + m1.digest;
  p.m2 = "MODEL_VERSION|d|" + m2.digest;
  p.prod = "DEPLOYMENT|acme.serving|fraud-api-prod";
  p.staging = "DEPLOYMENT|acme.serving|fraud-api-staging";
  p.geo_api = "DEPLOYMENT|acme.serving|geo-api";
  p.s1_digest = s1.digest;
  p.s2_digest = s2.digest;
  p.s3_digest = s3.digest;
  p.m1_digest = m1.digest;
  return p;
}

}  // namespace lineage::testing
