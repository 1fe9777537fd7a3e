// The stored node record (lineage.storage.GraphNodeRecord) and its rules:
// how a mention updates it, and what it says as of a tree size.
//
// Properties are last-writer-wins registers stamped (rank, event time,
// event id), so the final record does not depend on the order events
// arrive in. The record keeps every change of a winning value with the log
// index that made it, so the value as of tree size S is the last change
// before S: exactly what replaying the first S entries would give.
// Declared classification only rises (the maximum ever declared).
//
// Thread-safety: pure functions over values.
#ifndef LINEAGE_SERVER_GRAPH_NODE_RECORD_H_
#define LINEAGE_SERVER_GRAPH_NODE_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "lineage/storage/graph_record.pb.h"
#include "lineage/v1/lineage.pb.h"
#include "server/graph/event_plan.h"

namespace lineage {

// A new record for the first mention of a node.
storage::GraphNodeRecord NewNodeRecord(uint64_t id, const NodeMention& mention, uint64_t log_index,
                                       uint64_t time_micros);

// Applies `mention` (from `plan`, at `log_index`) to `record`. Returns true
// if the record changed. Sets `raised` when the declared classification rose.
bool ApplyMention(storage::GraphNodeRecord& record, const NodeMention& mention,
                  const EventPlan& plan, uint64_t log_index,
                  std::optional<v1::Classification>& raised);

// The node's name as of tree size `snapshot`: its first mention's, or for a
// run first mentioned without one, its job's name once an entry before
// `snapshot` gave it.
std::string NameAt(const storage::GraphNodeRecord& record, uint64_t snapshot);

// The declared classification as of tree size `snapshot`.
v1::Classification DeclaredAt(const storage::GraphNodeRecord& record, uint64_t snapshot);

// Properties as of tree size `snapshot`: for each key, its last change
// asserted before `snapshot`.
v1::NodeProperties PropertiesAt(const storage::GraphNodeRecord& record, uint64_t snapshot);

// One property of PropertiesAt (e.g. "owner"), without building the others;
// empty if it was never set before `snapshot`.
std::string PropertyAt(const storage::GraphNodeRecord& record, absl::string_view key,
                       uint64_t snapshot);

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_NODE_RECORD_H_
