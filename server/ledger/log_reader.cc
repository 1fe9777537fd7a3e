#include "server/ledger/log_reader.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/envelope_record.h"
#include "crypto/leaf.h"
#include "crypto/merkle_hash.h"
#include "crypto/merkle_proof.h"
#include "server/ledger/proto_time.h"

namespace lineage {
namespace {

std::string Bytes(const Hash& h) { return std::string(HashBytes(h)); }

v1::EntryKind ToProtoKind(EntryKind kind) {
  switch (kind) {
    case EntryKind::kLineageEvent:
      return v1::ENTRY_KIND_LINEAGE_EVENT;
    case EntryKind::kKeyRegistered:
      return v1::ENTRY_KIND_KEY_REGISTERED;
    case EntryKind::kKeyRevoked:
      return v1::ENTRY_KIND_KEY_REVOKED;
  }
  return v1::ENTRY_KIND_UNSPECIFIED;
}

}  // namespace

v1::SignedCheckpoint ToProto(const PublishedCheckpoint& c) {
  v1::SignedCheckpoint out;
  out.set_note(c.note);
  out.set_origin(c.checkpoint.origin);
  out.set_tree_size(c.checkpoint.size);
  out.set_root_hash(Bytes(c.checkpoint.root));
  return out;
}

absl::StatusOr<std::shared_ptr<const PublishedCheckpoint>> LogReader::Latest() const {
  std::shared_ptr<const PublishedCheckpoint> latest = writer_.latest_checkpoint();
  if (latest == nullptr) {
    return absl::FailedPreconditionError(
        "the log has no verified checkpoint to serve (its start-up integrity check failed; see "
        "the server log)");
  }
  return latest;
}

absl::StatusOr<v1::SignedCheckpoint> LogReader::GetCheckpoint() const {
  ASSIGN_OR_RETURN(auto latest, Latest());
  return ToProto(*latest);
}

absl::StatusOr<v1::InclusionProof> LogReader::GetInclusionProof(
    const v1::GetInclusionProofRequest& request) const {
  ASSIGN_OR_RETURN(auto latest, Latest());
  const uint64_t latest_size = latest->checkpoint.size;
  const uint64_t size = request.tree_size() == 0 ? latest_size : request.tree_size();
  if (size > latest_size) {
    return absl::InvalidArgumentError(absl::StrCat("tree_size: got ", size,
                                                   ", want at most the latest checkpoint's ",
                                                   latest_size));
  }
  uint64_t index = 0;
  switch (request.leaf_case()) {
    case v1::GetInclusionProofRequest::kLeafIndex:
      index = request.leaf_index();
      if (index >= latest_size) {
        return absl::NotFoundError(absl::StrCat("leaf_index ", index,
                                                " is beyond the log (size ", latest_size, ")"));
      }
      break;
    case v1::GetInclusionProofRequest::kLeafHash: {
      ASSIGN_OR_RETURN(Hash leaf_hash, HashFromBytes(request.leaf_hash(), "leaf_hash"));
      absl::StatusOr<uint64_t> found = store_.FindLeafIndex(leaf_hash);
      if (absl::IsNotFound(found.status()) || (found.ok() && *found >= latest_size)) {
        return absl::NotFoundError(
            absl::StrCat("no leaf has hash ", HashToHex(leaf_hash)));
      }
      if (!found.ok()) return found.status();
      index = *found;
      break;
    }
    default:
      return absl::InvalidArgumentError("set leaf_index or leaf_hash");
  }
  if (index >= size) {
    return absl::InvalidArgumentError(absl::StrCat("leaf ", index, " is not in a tree of size ",
                                                   size, " (want tree_size > leaf_index)"));
  }
  auto read = [&](int level, uint64_t i) { return store_.ReadNode(level, i); };
  ASSIGN_OR_RETURN(std::vector<Hash> hashes, BuildInclusionProof(index, size, read));
  ASSIGN_OR_RETURN(Hash leaf_hash, store_.ReadNode(0, index));
  v1::InclusionProof out;
  out.set_leaf_index(index);
  out.set_tree_size(size);
  out.set_leaf_hash(Bytes(leaf_hash));
  for (const Hash& h : hashes) out.add_hashes(Bytes(h));
  if (size == latest_size) *out.mutable_checkpoint() = ToProto(*latest);
  return out;
}

absl::StatusOr<v1::ConsistencyProof> LogReader::GetConsistencyProof(
    const v1::GetConsistencyProofRequest& request) const {
  ASSIGN_OR_RETURN(auto latest, Latest());
  const uint64_t latest_size = latest->checkpoint.size;
  const uint64_t to = request.to_size() == 0 ? latest_size : request.to_size();
  if (to > latest_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "to_size: got ", to, ", want at most the latest checkpoint's ", latest_size));
  }
  if (request.from_size() == 0 || request.from_size() > to) {
    return absl::InvalidArgumentError(absl::StrCat("from_size: got ", request.from_size(),
                                                   ", want 1 to ", to));
  }
  auto read = [&](int level, uint64_t i) { return store_.ReadNode(level, i); };
  ASSIGN_OR_RETURN(std::vector<Hash> hashes, BuildConsistencyProof(request.from_size(), to, read));
  v1::ConsistencyProof out;
  out.set_from_size(request.from_size());
  out.set_to_size(to);
  for (const Hash& h : hashes) out.add_hashes(Bytes(h));
  if (to == latest_size) *out.mutable_checkpoint() = ToProto(*latest);
  return out;
}

absl::StatusOr<v1::GetEntriesResponse> LogReader::GetEntries(
    const v1::GetEntriesRequest& request) const {
  ASSIGN_OR_RETURN(auto latest, Latest());
  const uint64_t size = latest->checkpoint.size;
  if (request.count() == 0 || request.count() > limits_.max_entries) {
    return absl::InvalidArgumentError(absl::StrCat("count: got ", request.count(), ", want 1 to ",
                                                   limits_.max_entries));
  }
  if (request.start() >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("start: got ", request.start(), ", want less than the log size ", size));
  }
  const uint64_t end = std::min<uint64_t>(size, request.start() + request.count());
  v1::GetEntriesResponse out;
  size_t bytes = 0;
  for (uint64_t i = request.start(); i < end && (out.entries_size() == 0 || bytes < limits_.max_entries_bytes); ++i) {
    v1::Entry* entry = out.add_entries();
    ASSIGN_OR_RETURN(std::string leaf_bytes, store_.ReadLeaf(i));
    ASSIGN_OR_RETURN(Leaf leaf, DecodeLeaf(leaf_bytes));
    entry->set_index(i);
    entry->set_kind(ToProtoKind(leaf.kind));
    entry->set_leaf(leaf_bytes);
    entry->set_leaf_hash(Bytes(HashLeaf(leaf_bytes)));
    *entry->mutable_integrated_time() = ProtoTimeFromMicros(leaf.integrated_time_micros);
    entry->set_key_id(leaf.key_id.ToHex());
    absl::StatusOr<StoredEntry> stored = store_.ReadEntry(i);
    if (absl::IsNotFound(stored.status())) {
      entry->set_erased(true);
      continue;
    }
    if (!stored.ok()) return stored.status();
    bytes += 2 * stored->record.size();
    entry->set_salt(stored->salt);
    entry->set_envelope_record(stored->record);
    if (leaf.kind == EntryKind::kLineageEvent) {
      ASSIGN_OR_RETURN(EnvelopeRecord record, DecodeEnvelopeRecord(stored->record));
      v1::SignedEvent* signed_event = entry->mutable_signed_event();
      signed_event->set_payload(std::move(record.payload));
      signed_event->set_payload_type(std::move(record.payload_type));
      signed_event->set_key_id(record.key_id.ToHex());
      signed_event->set_signature(std::move(record.signature));
    }
  }
  return out;
}

}  // namespace lineage
