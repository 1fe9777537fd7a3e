// What an access record says a call named: the graph node IDs and
// namespaces in its request and answer (docs/api.md, "The access log").
//
// A record lists the node IDs in ascending order, at most 1,000 of them,
// and counts every distinct node the answer held (nodes_answered). A
// streamed answer's record is written before its first page, from the
// node IDs its page source says the pages will name (MergeIds); a node
// the request listed already is not counted again.
//
// Answers can hold hundreds of thousands of nodes, so this is written for
// speed: Node and Edge messages (the bulk of unary graph answers) are read
// directly rather than through reflection, and distinct IDs are found with
// a bitmap over their (dense) range rather than an ordered set. Both give
// exactly what the plain reflective walk over an ordered set gives
// (tests/server/answer_nodes_test.cc checks it).
//
//   v1::AccessRecord record;
//   MergeNamedNodes(record, request);
//   record.set_nodes_answered(0);  // Count answer nodes only.
//   MergeNamedNodes(record, response);     // A unary answer, or
//   MergeIds(record, ids, namespaces);     // a streamed one's, from its PageSource.
//
// Thread-safety: pure functions over values.
#ifndef LINEAGE_SERVER_SERVICE_ANSWER_NODES_H_
#define LINEAGE_SERVER_SERVICE_ANSWER_NODES_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "lineage/v1/audit.pb.h"

namespace lineage {

// Most node IDs one access record lists.
inline constexpr size_t kMaxRecordedNodes = 1000;
// Most namespaces collected from one message.
inline constexpr size_t kMaxRecordedNamespaces = 100;

// Appends to `ids` every node ID `m` names (fields node_id, from_node_id,
// to_node_id, source_node_id, node_ids, witness_path, witness_predecessor,
// at any depth up to 8; singular ones only when non-zero), and adds to
// `namespaces` its
// non-empty "namespace" and "namespace_prefix" values while it holds fewer
// than 100. Fields are visited in field-number order.
void CollectNamedNodes(const google::protobuf::Message& m, std::vector<uint64_t>& ids,
                       std::set<std::string>& namespaces);

// The distinct values of `ids` that are not in `known`: returns how many
// there are, and appends the smallest `want` of them to `smallest` in
// ascending order. `ids` is scratch (it may be reordered).
size_t CountNewIds(std::vector<uint64_t>& ids, const absl::flat_hash_set<uint64_t>& known,
                   size_t want, std::vector<uint64_t>& smallest);

// Adds what `m` names to `record`: namespaces (kept sorted), node IDs not
// yet listed (ascending, up to kMaxRecordedNodes in all), and the number of
// those new IDs to nodes_answered.
void MergeNamedNodes(v1::AccessRecord& record, const google::protobuf::Message& m);

// The same for node IDs and namespaces collected already (a whole paged
// answer's, from PageSource::NamedNodes): `ids` is scratch, and
// `namespaces` replaces the record's (so it should start from them).
void MergeIds(v1::AccessRecord& record, std::vector<uint64_t>& ids,
              const std::set<std::string>& namespaces);

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_ANSWER_NODES_H_
