#include "server/ledger/event_validator.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/quote.h"
#include "common/status_macros.h"
#include "server/ledger/proto_time.h"

namespace lineage {
namespace {

constexpr size_t kMaxIdLength = 128;
constexpr size_t kMaxNamespaceLength = 256;
constexpr size_t kMaxNameLength = 512;
constexpr size_t kMaxShortTextLength = 2048;
constexpr int kMaxListSize = 10000;
constexpr int kMaxMapEntries = 256;
constexpr size_t kMaxMapKeyLength = 256;
constexpr size_t kMaxAttributeValueLength = 64 << 10;
constexpr size_t kMaxFacetValueLength = 256 << 10;
constexpr int kMaxSubjectTokens = 10000;

// At most 64 bytes of a bad value, escaped: it goes back to the producer in
// Receipt.error_message, which must stay valid UTF-8 (common/quote.h).
std::string Quote(absl::string_view s) { return QuoteUntrusted(s, 64); }

absl::Status Invalid(absl::string_view field, absl::string_view got, absl::string_view want) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": got ", got, ", want ", want));
}

absl::Status CheckId(absl::string_view value, absl::string_view field, bool required) {
  if (value.empty()) {
    return required ? Invalid(field, "an empty value", "1 to 128 printable ASCII characters")
                    : absl::OkStatus();
  }
  if (value.size() > kMaxIdLength) {
    return Invalid(field, absl::StrCat(value.size(), " characters"), "at most 128");
  }
  for (unsigned char c : value) {
    if (c < 0x21 || c > 0x7e) {
      return Invalid(field, Quote(value), "printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

// Text: no control characters (protobuf already guarantees valid UTF-8).
absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max,
                       bool required) {
  if (value.empty()) {
    return required ? Invalid(field, "an empty value", absl::StrCat("1 to ", max, " characters"))
                    : absl::OkStatus();
  }
  if (value.size() > max) {
    return Invalid(field, absl::StrCat(value.size(), " bytes"), absl::StrCat("at most ", max));
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return Invalid(field, Quote(value), "no control characters");
  }
  return absl::OkStatus();
}

absl::Status CheckMap(const google::protobuf::Map<std::string, std::string>& map,
                      absl::string_view field, size_t max_value) {
  if (map.size() > kMaxMapEntries) {
    return Invalid(field, absl::StrCat(map.size(), " entries"), "at most 256");
  }
  for (const auto& [key, value] : map) {
    RETURN_IF_ERROR(CheckText(key, absl::StrCat(field, " key"), kMaxMapKeyLength, true));
    if (value.size() > max_value) {
      return Invalid(absl::StrCat(field, "[\"", key, "\"]"), absl::StrCat(value.size(), " bytes"),
                     absl::StrCat("at most ", max_value));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalTime(bool has, const google::protobuf::Timestamp& t,
                               absl::string_view field) {
  return has ? ValidateProtoTime(t, field) : absl::OkStatus();
}

absl::Status CheckSubjectToken(absl::string_view token, absl::string_view field) {
  if (token.size() < 8 || token.size() > 128) {
    return Invalid(field, absl::StrCat(token.size(), " characters"), "8 to 128");
  }
  for (unsigned char c : token) {
    if (!absl::ascii_isalnum(c) && c != '+' && c != '/' && c != '=' && c != '_' && c != ':' &&
        c != '.' && c != '-') {
      return Invalid(field, Quote(token), "characters of [A-Za-z0-9+/=_:.-] (an opaque keyed hash)");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDataset(const v1::DatasetVersion& d, const std::string& f) {
  RETURN_IF_ERROR(CheckText(d.namespace_(), f + ".namespace", kMaxNamespaceLength, false));
  RETURN_IF_ERROR(CheckText(d.name(), f + ".name", kMaxNameLength, true));
  RETURN_IF_ERROR(CheckText(d.version(), f + ".version", kMaxNameLength, false));
  if (!d.digest().empty()) RETURN_IF_ERROR(ValidateDigest(d.digest(), f + ".digest"));
  if (!v1::Classification_IsValid(d.classification())) {
    return Invalid(f + ".classification", absl::StrCat(d.classification()), "a known tier");
  }
  RETURN_IF_ERROR(CheckText(d.owner(), f + ".owner", kMaxNameLength, false));
  RETURN_IF_ERROR(CheckText(d.location(), f + ".location", kMaxShortTextLength, false));
  RETURN_IF_ERROR(CheckText(d.region(), f + ".region", kMaxNameLength, false));
  RETURN_IF_ERROR(CheckMap(d.attributes(), f + ".attributes", kMaxAttributeValueLength));
  RETURN_IF_ERROR(CheckMap(d.facets(), f + ".facets", kMaxFacetValueLength));
  if (d.subject_tokens_size() > kMaxSubjectTokens) {
    return Invalid(f + ".subject_tokens", absl::StrCat(d.subject_tokens_size(), " tokens"),
                   "at most 10000 per event; split them over several events");
  }
  for (int i = 0; i < d.subject_tokens_size(); ++i) {
    RETURN_IF_ERROR(CheckSubjectToken(d.subject_tokens(i), absl::StrCat(f, ".subject_tokens[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status CheckModel(const v1::ModelVersion& m, const std::string& f) {
  RETURN_IF_ERROR(CheckText(m.namespace_(), f + ".namespace", kMaxNamespaceLength, false));
  RETURN_IF_ERROR(CheckText(m.name(), f + ".name", kMaxNameLength, true));
  RETURN_IF_ERROR(CheckText(m.version(), f + ".version", kMaxNameLength, false));
  if (!m.artifact_digest().empty()) {
    RETURN_IF_ERROR(ValidateDigest(m.artifact_digest(), f + ".artifact_digest"));
  }
  if (m.version().empty() && m.artifact_digest().empty()) {
    return Invalid(f, "neither version nor artifact_digest", "at least one (a model version)");
  }
  RETURN_IF_ERROR(CheckText(m.owner(), f + ".owner", kMaxNameLength, false));
  RETURN_IF_ERROR(CheckMap(m.attributes(), f + ".attributes", kMaxAttributeValueLength));
  return CheckMap(m.facets(), f + ".facets", kMaxFacetValueLength);
}

template <typename Io>
absl::Status CheckIo(const Io& io, const std::string& f) {
  if (io.has_dataset()) return CheckDataset(io.dataset(), f + ".dataset");
  if (io.has_model()) return CheckModel(io.model(), f + ".model");
  return Invalid(f, "neither dataset nor model", "exactly one");
}

absl::Status CheckRunAndJob(const v1::LineageEvent& e) {
  if (e.event_type() != v1::EVENT_TYPE_UNSPECIFIED && !e.has_run()) {
    return Invalid("event.run", "no run", "a run when event_type is set");
  }
  if (!e.has_run()) {
    if (e.inputs_size() > 0 || e.outputs_size() > 0) {
      return Invalid("event.run", "no run", "a run when inputs or outputs are given");
    }
    if (e.has_job()) RETURN_IF_ERROR(CheckText(e.job().name(), "event.job.name", kMaxNameLength, true));
    return absl::OkStatus();
  }
  const v1::Run& r = e.run();
  RETURN_IF_ERROR(CheckId(r.run_id(), "event.run.run_id", true));
  if (!v1::RunKind_IsValid(r.kind())) {
    return Invalid("event.run.kind", absl::StrCat(r.kind()), "a known run kind");
  }
  RETURN_IF_ERROR(CheckOptionalTime(r.has_start_time(), r.start_time(), "event.run.start_time"));
  RETURN_IF_ERROR(CheckOptionalTime(r.has_end_time(), r.end_time(), "event.run.end_time"));
  if (r.has_parent()) {
    RETURN_IF_ERROR(CheckId(r.parent().run_id(), "event.run.parent.run_id", true));
    RETURN_IF_ERROR(CheckText(r.parent().job_namespace(), "event.run.parent.job_namespace",
                              kMaxNamespaceLength, false));
    RETURN_IF_ERROR(CheckText(r.parent().job_name(), "event.run.parent.job_name", kMaxNameLength, false));
    if (r.parent().run_id() == r.run_id()) {
      return Invalid("event.run.parent.run_id", Quote(r.parent().run_id()),
                     "a run other than the run itself");
    }
  }
  RETURN_IF_ERROR(CheckMap(r.attributes(), "event.run.attributes", kMaxAttributeValueLength));
  RETURN_IF_ERROR(CheckMap(r.facets(), "event.run.facets", kMaxFacetValueLength));
  if (!e.has_job()) return Invalid("event.job", "no job", "the job the run executes");
  const v1::Job& j = e.job();
  RETURN_IF_ERROR(CheckText(j.namespace_(), "event.job.namespace", kMaxNamespaceLength, false));
  RETURN_IF_ERROR(CheckText(j.name(), "event.job.name", kMaxNameLength, true));
  RETURN_IF_ERROR(CheckText(j.code_version(), "event.job.code_version", kMaxNameLength, false));
  if (!j.code_digest().empty()) RETURN_IF_ERROR(ValidateDigest(j.code_digest(), "event.job.code_digest"));
  if (!j.image_digest().empty()) RETURN_IF_ERROR(ValidateDigest(j.image_digest(), "event.job.image_digest"));
  RETURN_IF_ERROR(CheckMap(j.attributes(), "event.job.attributes", kMaxAttributeValueLength));
  return CheckMap(j.facets(), "event.job.facets", kMaxFacetValueLength);
}

}  // namespace

absl::Status ValidateDigest(absl::string_view digest, absl::string_view field) {
  static constexpr std::pair<absl::string_view, size_t> kAlgorithms[] = {
      {"sha256", 64}, {"sha384", 96}, {"sha512", 128},
      {"sha3-256", 64}, {"sha3-512", 128}, {"blake3", 64},
  };
  const size_t colon = digest.find(':');
  const absl::string_view want =
      "\"<algorithm>:<lowercase hex>\" with algorithm sha256, sha384, sha512, sha3-256, "
      "sha3-512 or blake3";
  if (colon == absl::string_view::npos) return Invalid(field, Quote(digest), want);
  const absl::string_view algorithm = digest.substr(0, colon);
  const absl::string_view hex = digest.substr(colon + 1);
  for (const auto& [name, length] : kAlgorithms) {
    if (algorithm != name) continue;
    const bool lower_hex = std::all_of(hex.begin(), hex.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    if (hex.size() != length || !lower_hex) {
      return Invalid(field, Quote(digest),
                     absl::StrCat("\"", name, ":\" and ", length, " lowercase hex characters"));
    }
    return absl::OkStatus();
  }
  return Invalid(field, Quote(digest), want);
}

absl::Status ValidateLineageEvent(const v1::LineageEvent& e) {
  RETURN_IF_ERROR(CheckId(e.event_id(), "event.event_id", true));
  RETURN_IF_ERROR(CheckText(e.namespace_(), "event.namespace", kMaxNamespaceLength, true));
  RETURN_IF_ERROR(CheckOptionalTime(e.has_event_time(), e.event_time(), "event.event_time"));
  RETURN_IF_ERROR(CheckText(e.producer(), "event.producer", kMaxShortTextLength, false));
  RETURN_IF_ERROR(CheckText(e.schema_url(), "event.schema_url", kMaxShortTextLength, false));
  if (!v1::EventType_IsValid(e.event_type())) {
    return Invalid("event.event_type", absl::StrCat(e.event_type()), "a known event type");
  }
  RETURN_IF_ERROR(CheckRunAndJob(e));
  if (e.inputs_size() > kMaxListSize || e.outputs_size() > kMaxListSize ||
      e.deployments_size() > kMaxListSize) {
    return Invalid("event", "more than 10000 inputs, outputs or deployments",
                   "at most 10000 of each; split the event");
  }
  for (int i = 0; i < e.inputs_size(); ++i) {
    RETURN_IF_ERROR(CheckIo(e.inputs(i), absl::StrCat("event.inputs[", i, "]")));
  }
  for (int i = 0; i < e.outputs_size(); ++i) {
    RETURN_IF_ERROR(CheckIo(e.outputs(i), absl::StrCat("event.outputs[", i, "]")));
  }
  for (int i = 0; i < e.deployments_size(); ++i) {
    const v1::Deployment& d = e.deployments(i);
    const std::string f = absl::StrCat("event.deployments[", i, "]");
    RETURN_IF_ERROR(CheckText(d.namespace_(), f + ".namespace", kMaxNamespaceLength, false));
    RETURN_IF_ERROR(CheckText(d.name(), f + ".name", kMaxNameLength, true));
    RETURN_IF_ERROR(CheckText(d.endpoint(), f + ".endpoint", kMaxShortTextLength, false));
    RETURN_IF_ERROR(CheckText(d.environment(), f + ".environment", kMaxNameLength, false));
    RETURN_IF_ERROR(CheckText(d.region(), f + ".region", kMaxNameLength, false));
    if (!d.has_model()) return Invalid(f + ".model", "no model", "the model version served");
    RETURN_IF_ERROR(CheckModel(d.model(), f + ".model"));
    RETURN_IF_ERROR(CheckMap(d.attributes(), f + ".attributes", kMaxAttributeValueLength));
  }
  if (e.datasets_size() > kMaxListSize || e.models_size() > kMaxListSize) {
    return Invalid("event", "more than 10000 datasets or models", "at most 10000 of each");
  }
  for (int i = 0; i < e.datasets_size(); ++i) {
    RETURN_IF_ERROR(CheckDataset(e.datasets(i), absl::StrCat("event.datasets[", i, "]")));
  }
  for (int i = 0; i < e.models_size(); ++i) {
    RETURN_IF_ERROR(CheckModel(e.models(i), absl::StrCat("event.models[", i, "]")));
  }
  if (!e.has_run() && e.deployments_size() == 0 && e.datasets_size() == 0 &&
      e.models_size() == 0) {
    return Invalid("event", "nothing to record",
                   "a run, a deployment, a dataset version or a model version");
  }
  return CheckMap(e.attributes(), "event.attributes", kMaxAttributeValueLength);
}

std::vector<std::string> NamespacesWritten(const v1::LineageEvent& e) {
  const absl::string_view ns = e.namespace_();
  std::vector<std::string> out = {std::string(ns)};
  if (e.has_job()) out.emplace_back(EffectiveNamespace(e.job().namespace_(), ns));
  for (const v1::Output& o : e.outputs()) {
    out.emplace_back(EffectiveNamespace(
        o.has_dataset() ? o.dataset().namespace_() : o.model().namespace_(), ns));
  }
  for (const v1::Deployment& d : e.deployments()) {
    out.emplace_back(EffectiveNamespace(d.namespace_(), ns));
  }
  for (const v1::DatasetVersion& d : e.datasets()) {
    out.emplace_back(EffectiveNamespace(d.namespace_(), ns));
  }
  for (const v1::ModelVersion& m : e.models()) {
    out.emplace_back(EffectiveNamespace(m.namespace_(), ns));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace lineage
