#include "server/graph/node_record.h"

#include <map>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "server/ledger/proto_time.h"

namespace lineage {
namespace {

// The property key of a name learnt after the node's first mention.
constexpr char kNameKey[] = "name";

std::tuple<int32_t, int64_t, const std::string&> StampOf(const storage::StampedValue& v) {
  return {v.rank(), v.event_time_micros(), v.event_id()};
}

// The current winner of `key`: the last change for it.
storage::PropertyChange* Winner(storage::GraphNodeRecord& record, const std::string& key) {
  for (int i = record.changes_size() - 1; i >= 0; --i) {
    if (record.changes(i).key() == key) return record.mutable_changes(i);
  }
  return nullptr;
}

google::protobuf::Timestamp MicrosToTime(absl::string_view micros) {
  int64_t value = 0;
  (void)absl::SimpleAtoi(micros, &value);
  return ProtoTimeFromMicros(static_cast<uint64_t>(std::max<int64_t>(0, value)));
}

}  // namespace

storage::GraphNodeRecord NewNodeRecord(uint64_t id, const NodeMention& m, uint64_t log_index,
                                       uint64_t time_micros) {
  storage::GraphNodeRecord r;
  r.set_node_id(id);
  r.set_kind(m.kind);
  r.set_namespace_(m.ns);
  r.set_name(m.name);
  r.set_version(m.version);
  r.set_digest(m.digest);
  r.set_run_id(m.run_id);
  r.set_first_log_index(log_index);
  r.set_first_seen_micros(static_cast<int64_t>(time_micros));
  return r;
}

bool ApplyMention(storage::GraphNodeRecord& record, const NodeMention& mention,
                  const EventPlan& plan, uint64_t log_index,
                  std::optional<v1::Classification>& raised) {
  bool changed = false;
  raised.reset();
  if (record.name().empty() && !mention.name.empty() && Winner(record, kNameKey) == nullptr) {
    // A run first seen as a parent (by run id only) learns its job's name
    // later: kept as a change at this index, so answers as of an earlier
    // tree size still show the name the prefix gave (none).
    storage::PropertyChange* change = record.add_changes();
    change->set_log_index(log_index);
    change->set_key(kNameKey);
    change->mutable_value()->set_value(mention.name);
    changed = true;
  }
  const v1::Classification current =
      record.declared_size() == 0 ? v1::CLASSIFICATION_UNSPECIFIED
                                  : record.declared(record.declared_size() - 1).tier();
  if (mention.classification > current) {
    storage::TierChange* change = record.add_declared();
    change->set_log_index(log_index);
    change->set_tier(mention.classification);
    raised = mention.classification;
    changed = true;
  }
  for (const auto& [key, value] : mention.properties) {
    storage::StampedValue incoming;
    incoming.set_value(value);
    incoming.set_rank(key == "run_state" && plan.terminal ? 1 : 0);
    incoming.set_event_time_micros(plan.event_time_micros);
    incoming.set_event_id(plan.event_id);
    storage::PropertyChange* winner = Winner(record, key);
    if (winner != nullptr && StampOf(incoming) <= StampOf(winner->value())) continue;
    if (winner != nullptr && winner->value().value() == value) {
      // Same value, newer stamp: keep the history, remember the stamp.
      *winner->mutable_value() = incoming;
    } else {
      storage::PropertyChange* change = record.add_changes();
      change->set_log_index(log_index);
      change->set_key(key);
      *change->mutable_value() = incoming;
    }
    changed = true;
  }
  return changed;
}

std::string NameAt(const storage::GraphNodeRecord& record, uint64_t snapshot) {
  if (!record.name().empty()) return record.name();
  for (const storage::PropertyChange& c : record.changes()) {
    if (c.key() == kNameKey && c.log_index() < snapshot) return c.value().value();
  }
  return "";
}

v1::Classification DeclaredAt(const storage::GraphNodeRecord& record, uint64_t snapshot) {
  v1::Classification tier = v1::CLASSIFICATION_UNSPECIFIED;
  for (const storage::TierChange& c : record.declared()) {
    if (c.log_index() < snapshot) tier = c.tier();
  }
  return tier;
}

std::string PropertyAt(const storage::GraphNodeRecord& record, absl::string_view key,
                       uint64_t snapshot) {
  const std::string* value = nullptr;
  for (const storage::PropertyChange& c : record.changes()) {
    if (c.log_index() < snapshot && c.key() == key) value = &c.value().value();
  }
  return value == nullptr ? std::string() : *value;
}

v1::NodeProperties PropertiesAt(const storage::GraphNodeRecord& record, uint64_t snapshot) {
  std::map<std::string, const storage::StampedValue*> values;
  for (const storage::PropertyChange& c : record.changes()) {
    if (c.log_index() < snapshot) values[c.key()] = &c.value();
  }
  v1::NodeProperties p;
  for (const auto& [key, stamped] : values) {
    const std::string& v = stamped->value();
    int number = 0;
    if (key == "owner") p.set_owner(v);
    else if (key == "location") p.set_location(v);
    else if (key == "region") p.set_region(v);
    else if (key == "environment") p.set_environment(v);
    else if (key == "endpoint") p.set_endpoint(v);
    else if (key == "code_version") p.set_code_version(v);
    else if (key == "image_digest") p.set_image_digest(v);
    else if (key == "run_kind" && absl::SimpleAtoi(v, &number)) p.set_run_kind(static_cast<v1::RunKind>(number));
    else if (key == "run_state" && absl::SimpleAtoi(v, &number)) p.set_run_state(static_cast<v1::RunState>(number));
    else if (key == "start_time") *p.mutable_start_time() = MicrosToTime(v);
    else if (key == "end_time") *p.mutable_end_time() = MicrosToTime(v);
    else if (absl::StartsWith(key, "attr:")) (*p.mutable_attributes())[key.substr(5)] = v;
  }
  *p.mutable_first_seen() = ProtoTimeFromMicros(static_cast<uint64_t>(record.first_seen_micros()));
  return p;
}

}  // namespace lineage
