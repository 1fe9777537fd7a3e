#include "tests/testing/events.h"

#include "absl/strings/str_cat.h"
#include "crypto/hash.h"

namespace lineage::testing {

std::string DigestOf(const std::string& seed) { return "sha256:" + HashToHex(Sha256(seed)); }

v1::LineageEvent MakeRunEvent(const std::string& ns, const std::string& id) {
  v1::LineageEvent e;
  e.set_event_id(absl::StrCat("event-", id));
  e.set_namespace_(ns);
  e.set_producer("https://example.com/test-orchestrator");
  e.set_event_type(v1::EVENT_TYPE_COMPLETE);
  e.mutable_event_time()->set_seconds(1763600000);
  v1::Run* run = e.mutable_run();
  run->set_run_id(absl::StrCat("run-", id));
  run->set_kind(v1::RUN_KIND_ETL);
  v1::Job* job = e.mutable_job();
  job->set_name("clean_transactions");
  job->set_code_version("git:abc123");
  v1::DatasetVersion* in = e.add_inputs()->mutable_dataset();
  in->set_name(absl::StrCat("raw.transactions.", id));
  in->set_version("2026-11-19");
  in->set_digest(DigestOf(absl::StrCat("in-", id)));
  in->set_classification(v1::CLASSIFICATION_RESTRICTED);
  in->add_subject_tokens("hmac:0123456789abcdef");
  v1::DatasetVersion* out = e.add_outputs()->mutable_dataset();
  out->set_name(absl::StrCat("clean.transactions.", id));
  out->set_version("2026-11-19");
  out->set_digest(DigestOf(absl::StrCat("out-", id)));
  (*out->mutable_attributes())["owner_team"] = "risk-data";
  return e;
}

}  // namespace lineage::testing
