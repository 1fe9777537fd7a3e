#include "server/service/answer_nodes.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>

#include "lineage/v1/lineage.pb.h"

namespace lineage {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr int kMaxDepth = 8;

bool IsNodeField(const std::string& name) {
  return name == "node_id" || name == "from_node_id" || name == "to_node_id" ||
         name == "source_node_id" || name == "node_ids" || name == "witness_path" ||
         name == "witness_predecessor" || name == "source_node_ids" ||
         name == "witness_predecessors";
}

void AddNamespace(const std::string& ns, std::set<std::string>& namespaces) {
  if (!ns.empty() && namespaces.size() < kMaxRecordedNamespaces) namespaces.insert(ns);
}

void Collect(const Message& m, int depth, std::vector<uint64_t>& ids,
             std::set<std::string>& namespaces);

// `m` as generated type T, or null (another type, or a DynamicMessage of
// T's descriptor, which has its own reflection).
template <typename T>
const T* As(const Message& m) {
  return m.GetReflection() == T::default_instance().GetReflection() ? static_cast<const T*>(&m)
                                                                     : nullptr;
}

void CollectNode(const v1::Node& node, int depth, std::vector<uint64_t>& ids,
                 std::set<std::string>& namespaces) {
  if (depth > kMaxDepth) return;
  if (node.node_id() != 0) ids.push_back(node.node_id());
  AddNamespace(node.namespace_(), namespaces);
}

void CollectEdge(const v1::Edge& edge, int depth, std::vector<uint64_t>& ids) {
  if (depth > kMaxDepth) return;
  if (edge.from_node_id() != 0) ids.push_back(edge.from_node_id());
  if (edge.to_node_id() != 0) ids.push_back(edge.to_node_id());
}

// The messages unary graph answers are mostly made of (Trace's and
// SearchNodes' nodes, paths' edges), read directly. Each visits its fields
// in field-number order, as ListFields does. NodeProperties (Node's field
// 12) names no nodes or namespaces. Streamed answers never come here: their
// records are made from the traversal (MergeIds).
bool CollectKnown(const Message& m, int depth, std::vector<uint64_t>& ids,
                  std::set<std::string>& namespaces) {
  if (const auto* node = As<v1::Node>(m)) {
    CollectNode(*node, depth, ids, namespaces);
    return true;
  }
  if (const auto* edge = As<v1::Edge>(m)) {
    CollectEdge(*edge, depth, ids);
    return true;
  }
  return false;
}

void Collect(const Message& m, int depth, std::vector<uint64_t>& ids,
             std::set<std::string>& namespaces) {
  if (depth > kMaxDepth) return;
  if (CollectKnown(m, depth, ids, namespaces)) return;
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_UINT64 && IsNodeField(f->name())) {
      if (f->is_repeated()) {
        const int n = r->FieldSize(m, f);
        for (int i = 0; i < n; ++i) ids.push_back(r->GetRepeatedUInt64(m, f, i));
      } else if (r->GetUInt64(m, f) != 0) {
        ids.push_back(r->GetUInt64(m, f));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && !f->is_repeated() &&
               (f->name() == "namespace" || f->name() == "namespace_prefix")) {
      AddNamespace(r->GetString(m, f), namespaces);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map()) {
      if (f->is_repeated()) {
        const int n = r->FieldSize(m, f);
        for (int i = 0; i < n; ++i) Collect(r->GetRepeatedMessage(m, f, i), depth + 1, ids, namespaces);
      } else {
        Collect(r->GetMessage(m, f), depth + 1, ids, namespaces);
      }
    }
  }
}

// CountNewIds over sorted, distinct `ids`.
size_t CountNewSorted(const std::vector<uint64_t>& ids, const absl::flat_hash_set<uint64_t>& known,
                      size_t want, std::vector<uint64_t>& smallest) {
  size_t count = 0;
  for (uint64_t id : ids) {
    if (known.contains(id)) continue;
    ++count;
    if (want > 0) {
      smallest.push_back(id);
      --want;
    }
  }
  return count;
}

}  // namespace

void CollectNamedNodes(const Message& m, std::vector<uint64_t>& ids,
                       std::set<std::string>& namespaces) {
  Collect(m, 0, ids, namespaces);
}

size_t CountNewIds(std::vector<uint64_t>& ids, const absl::flat_hash_set<uint64_t>& known,
                   size_t want, std::vector<uint64_t>& smallest) {
  if (ids.empty()) return 0;
  const auto [lo_it, hi_it] = std::minmax_element(ids.begin(), ids.end());
  const uint64_t lo = *lo_it, hi = *hi_it;
  // Node IDs are dense (docs/formats.md §8): a bitmap over [lo, hi] costs
  // at most a word per ID, or at most 1 MiB (a few microseconds to clear
  // and scan, less than sorting thousands of IDs). A sparse set (IDs from
  // far apart, or values a request made up) is sorted instead.
  const uint64_t range = hi - lo;
  constexpr uint64_t kBitmapWords = uint64_t{1} << 17;
  if (range / 64 > std::max<uint64_t>(ids.size() + 1024, kBitmapWords)) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return CountNewSorted(ids, known, want, smallest);
  }
  std::vector<uint64_t> bits(range / 64 + 1, 0);
  size_t distinct = 0;
  for (uint64_t id : ids) {
    const uint64_t off = id - lo;
    uint64_t& word = bits[off / 64];
    const uint64_t bit = uint64_t{1} << (off % 64);
    distinct += (word & bit) == 0;
    word |= bit;
  }
  size_t count = distinct;
  for (uint64_t id : known) {
    if (id < lo || id > hi) continue;
    const uint64_t off = id - lo;
    if ((bits[off / 64] >> (off % 64) & 1) != 0) --count;
  }
  for (size_t w = 0; w < bits.size() && want > 0; ++w) {
    for (uint64_t word = bits[w]; word != 0 && want > 0; word &= word - 1) {
      const uint64_t id = lo + w * 64 + static_cast<uint64_t>(__builtin_ctzll(word));
      if (known.contains(id)) continue;
      smallest.push_back(id);
      --want;
    }
  }
  return count;
}

void MergeNamedNodes(v1::AccessRecord& record, const Message& m) {
  std::vector<uint64_t> ids;
  std::set<std::string> namespaces(record.namespaces().begin(), record.namespaces().end());
  Collect(m, 0, ids, namespaces);
  MergeIds(record, ids, namespaces);
}

void MergeIds(v1::AccessRecord& record, std::vector<uint64_t>& ids,
              const std::set<std::string>& namespaces) {
  const absl::flat_hash_set<uint64_t> known(record.node_ids().begin(), record.node_ids().end());
  const size_t listed = static_cast<size_t>(record.node_ids_size());
  std::vector<uint64_t> smallest;
  const size_t fresh = CountNewIds(ids, known, listed < kMaxRecordedNodes ? kMaxRecordedNodes - listed : 0,
                                   smallest);
  record.set_nodes_answered(record.nodes_answered() + fresh);
  for (uint64_t id : smallest) record.add_node_ids(id);
  record.clear_namespaces();
  for (const std::string& ns : namespaces) record.add_namespaces(ns);
}

}  // namespace lineage
