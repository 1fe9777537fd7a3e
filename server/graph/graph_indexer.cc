#include "server/graph/graph_indexer.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/graph/node_record.h"

namespace lineage {

GraphIndexer::GraphIndexer(const GraphStore& store,
                           std::function<void(const GraphDelta&)> on_commit)
    : store_(store), on_commit_(std::move(on_commit)) {}

absl::Status GraphIndexer::IndexEvent(const VerifiedEvent& event, uint64_t index,
                                      uint64_t time_micros, WriteBatch& batch) {
  return IndexPlan(PlanEvent(event.event, time_micros), index, time_micros, batch);
}

void GraphIndexer::FinishGroup(WriteBatch& batch) {
  if (!next_id_) return;  // Nothing indexed since the counters were read.
  store_.PutNextNodeId(batch, *next_id_);
  store_.PutEdgeCount(batch, edge_count_);
}

void GraphIndexer::OnCommitted() {
  if (on_commit_ && !pending_.empty()) on_commit_(pending_);
  pending_.Clear();
  // The group's new keys are not kept: most are of nodes mentioned once (runs,
  // new versions). A key enters the committed cache when it is looked up
  // again (FindNode), so the cache holds the hot nodes.
  pending_keys_.clear();
  if (committed_names_.size() + pending_names_.size() > kMaxCachedKeys) committed_names_.clear();
  committed_names_.merge(pending_names_);
  pending_names_.clear();
  if (committed_edges_.size() + pending_edges_.size() > kMaxCachedKeys) committed_edges_.clear();
  committed_edges_.merge(pending_edges_);
  pending_edges_.clear();
  new_node_edges_.clear();
  group_names_.clear();
  group_subjects_.clear();
  // Only records already cached (read back since they were written) are
  // kept up to date: a node mentioned once, like most runs, never enters the
  // cache, so it holds the hot nodes and is rarely cleared.
  for (auto& [id, record] : pending_records_) {
    if (auto it = committed_records_.find(id); it != committed_records_.end()) {
      it->second = std::move(record);
    }
  }
  pending_records_.clear();
}

void GraphIndexer::OnAborted() {
  pending_.Clear();
  pending_keys_.clear();
  pending_names_.clear();
  pending_edges_.clear();
  new_node_edges_.clear();
  group_names_.clear();
  group_subjects_.clear();
  pending_records_.clear();
  next_id_.reset();  // Re-read the committed counter.
}

absl::StatusOr<uint64_t> GraphIndexer::FindNode(const std::string& natural_key) {
  if (auto it = pending_keys_.find(natural_key); it != pending_keys_.end()) return it->second;
  if (auto it = committed_keys_.find(natural_key); it != committed_keys_.end()) return it->second;
  // Not created by this group (those are all in pending_keys_): a hit is
  // committed, and a node's key never changes.
  absl::StatusOr<uint64_t> found = store_.FindNode(store_.database(), natural_key);
  if (found.ok() && committed_keys_.size() < kMaxCachedKeys) {
    committed_keys_.emplace(natural_key, *found);
  }
  return found;
}

absl::StatusOr<const storage::GraphNodeRecord*> GraphIndexer::FindRecord(uint64_t id) {
  if (auto it = pending_records_.find(id); it != pending_records_.end()) return &it->second;
  if (auto it = committed_records_.find(id); it != committed_records_.end()) return &it->second;
  // Not changed by this group (those are all in pending_records_): the
  // batch holds nothing for it, so this reads the committed record.
  ASSIGN_OR_RETURN(std::string bytes, store_.ReadNode(store_.database(), id));
  storage::GraphNodeRecord record;
  if (!record.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("graph node ", id, " record does not parse"));
  }
  if (committed_records_.size() >= kMaxCachedRecords) committed_records_.clear();
  return &(committed_records_[id] = std::move(record));
}

absl::Status GraphIndexer::IndexPlan(const EventPlan& plan, uint64_t index, uint64_t time_micros,
                                     WriteBatch& batch) {
  if (!next_id_) {
    ASSIGN_OR_RETURN(uint64_t next, store_.ReadNextNodeId(batch));
    ASSIGN_OR_RETURN(edge_count_, store_.ReadEdgeCount(batch));
    next_id_ = next;
  }
  created_by_event_.clear();
  std::vector<uint64_t> ids;
  ids.reserve(plan.nodes.size());
  for (const NodeMention& mention : plan.nodes) {
    ASSIGN_OR_RETURN(uint64_t id, Resolve(mention, plan, index, time_micros, batch));
    ids.push_back(id);
  }
  for (const EdgeMention& e : plan.edges) {
    if (ids[e.from] == ids[e.to]) continue;  // A self-loop says nothing about lineage.
    RETURN_IF_ERROR(AddEdge(ids[e.from], e.kind, ids[e.to], index, batch));
  }
  return absl::OkStatus();  // The counters are written by FinishGroup.
}

absl::StatusOr<uint64_t> GraphIndexer::Resolve(const NodeMention& mention, const EventPlan& plan,
                                               uint64_t index, uint64_t time_micros,
                                               WriteBatch& batch) {
  absl::StatusOr<uint64_t> found = FindNode(mention.natural_key);
  uint64_t id;
  storage::GraphNodeRecord record;
  bool is_new = false;
  if (found.ok()) {
    id = *found;
    ASSIGN_OR_RETURN(const storage::GraphNodeRecord* known, FindRecord(id));
    record = *known;
  } else if (absl::IsNotFound(found.status())) {
    id = (*next_id_)++;
    if (id >= (uint64_t{1} << 32)) {
      return absl::ResourceExhaustedError("the lineage graph holds 2^32 nodes, its maximum");
    }
    is_new = true;
    record = NewNodeRecord(id, mention, index, time_micros);
    store_.PutNodeKey(batch, mention.natural_key, id);
    pending_keys_.emplace(mention.natural_key, id);
    created_by_event_.insert(id);
    const std::string& search_name =
        mention.kind == v1::NODE_KIND_RUN ? mention.run_id : mention.name;
    store_.PutSearch(batch, static_cast<uint8_t>(mention.kind), mention.ns, search_name, id);
    pending_.AddNode({id, mention.kind, mention.ns, index});
  } else {
    return found.status();
  }
  std::optional<v1::Classification> raised;
  const int changes_before = record.changes_size();
  const bool changed = ApplyMention(record, mention, plan, index, raised);
  if (raised) pending_.AddTier({id, *raised, index});
  for (int i = changes_before; i < record.changes_size(); ++i) {
    const storage::PropertyChange& c = record.changes(i);
    if (c.key() == kOwnerProperty) pending_.AddOwner({id, c.value().value(), c.log_index()});
  }
  if (changed || is_new) {
    store_.PutNode(batch, id, record.SerializeAsString());
    pending_records_[id] = std::move(record);
  }
  for (const std::string& token : mention.subject_tokens) {
    // Written blind: the group's own entries are in group_subjects_, and a
    // node this event created has none in the store yet.
    if (!group_subjects_.emplace(token, id).second) continue;
    if (!is_new) {
      absl::StatusOr<uint64_t> seen = store_.FindSubject(store_.database(), token, id);
      if (seen.ok()) continue;
      if (!absl::IsNotFound(seen.status())) return seen.status();
    }
    store_.PutSubject(batch, token, id, index);
  }
  if (mention.is_version) {
    RETURN_IF_ERROR(IndexVersionName(mention, id, !mention.digest.empty(), index, batch));
  }
  return id;
}

absl::Status GraphIndexer::IndexVersionName(const NodeMention& mention, uint64_t id,
                                            bool by_digest, uint64_t index, WriteBatch& batch) {
  const uint8_t kind = static_cast<uint8_t>(mention.kind);
  std::string entry = GraphStore::NameEntry(kind, mention.ns, mention.name, mention.version, id);
  if (pending_names_.contains(entry) || committed_names_.contains(entry)) {
    return absl::OkStatus();  // Linked when it first joined this name.
  }
  std::vector<uint64_t> others;
  bool present = false;
  auto visit = [&](uint64_t other) {
    if (other == id) {
      present = true;
    } else {
      others.push_back(other);
    }
  };
  // Entries are written blind: the committed ones from the store, the
  // group's own from group_names_.
  RETURN_IF_ERROR(store_.ScanNames(store_.database(), kind, mention.ns, mention.name,
                                   mention.version, [&](uint64_t other, uint64_t) {
                                     visit(other);
                                     return true;
                                   }));
  std::vector<uint64_t>& group_ids = group_names_[absl::string_view(entry).substr(
      0, entry.size() - sizeof(uint64_t))];  // The entry without its node ID.
  for (uint64_t other : group_ids) visit(other);
  if (present) {
    // Mentioned again: likely hot (a shared input). Only such entries are
    // remembered, so the set stays small and is rarely cleared.
    pending_names_.insert(std::move(entry));  // Committed, or this group's.
    return absl::OkStatus();
  }
  store_.PutName(batch, kind, mention.ns, mention.name, mention.version, id, index);
  group_ids.push_back(id);
  // Without a version label a name says "some version of this dataset", not
  // which one: linking it would merge every digest ever filed under it.
  if (mention.version.empty()) return absl::OkStatus();
  // Whoever joins a name second makes the link, so the links do not depend
  // on arrival order: name-only node -> digest node.
  for (uint64_t other : others) {
    ASSIGN_OR_RETURN(const storage::GraphNodeRecord* record, FindRecord(other));
    const bool other_by_digest = !record->digest().empty();
    if (by_digest == other_by_digest) continue;  // Two digests under one name stay apart.
    if (by_digest) {
      RETURN_IF_ERROR(AddEdge(other, v1::EDGE_KIND_SAME_AS, id, index, batch));
    } else {
      RETURN_IF_ERROR(AddEdge(id, v1::EDGE_KIND_SAME_AS, other, index, batch));
    }
  }
  return absl::OkStatus();
}

absl::Status GraphIndexer::AddEdge(uint64_t from, v1::EdgeKind kind, uint64_t to, uint64_t index,
                                   WriteBatch& batch) {
  const std::tuple<uint64_t, uint8_t, uint64_t> edge(from, static_cast<uint8_t>(kind), to);
  if (created_by_event_.contains(from) || created_by_event_.contains(to)) {
    // Only this event can have linked a node it created.
    if (!new_node_edges_.insert(edge).second) return absl::OkStatus();
  } else {
    if (pending_edges_.contains(edge) || committed_edges_.contains(edge) ||
        new_node_edges_.contains(edge)) {
      return absl::OkStatus();  // The first assertion's index stays.
    }
    // Every edge of this group is in one of the sets above (edges are
    // written blind), so the committed store has the rest.
    absl::StatusOr<uint64_t> existing =
        store_.FindEdge(store_.database(), from, static_cast<uint8_t>(kind), to);
    if (!existing.ok() && !absl::IsNotFound(existing.status())) return existing.status();
    // Between two known nodes, an edge is likely asserted again (a shared
    // input's version-of edge, say): remember it, committed or this group's.
    pending_edges_.insert(edge);
    if (existing.ok()) return absl::OkStatus();
  }
  store_.PutEdge(batch, from, static_cast<uint8_t>(kind), to, index);
  ++edge_count_;
  pending_.AddEdge({from, kind, to, index});
  return absl::OkStatus();
}

}  // namespace lineage
