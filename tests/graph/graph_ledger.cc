#include "tests/graph/graph_ledger.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace lineage::testing {

absl::Time GraphTestStart() { return absl::FromUnixSeconds(1764000000); }

GraphLedger::GraphLedger(bool in_memory)
    : clock_(GraphTestStart()), harness_(std::make_unique<LedgerHarness>(&clock_, in_memory)) {}

absl::Status GraphLedger::Start() {
  RETURN_IF_ERROR(harness_->Start());
  graph_ = std::make_unique<GraphClient>(harness_->channel());
  ASSIGN_OR_RETURN(EventSigner signer, harness_->AddProducer({"*"}));
  signer_ = std::make_unique<EventSigner>(std::move(signer));
  return absl::OkStatus();
}

absl::Status GraphLedger::Restart() {
  graph_.reset();
  harness_->Stop();
  RETURN_IF_ERROR(harness_->Start());
  graph_ = std::make_unique<GraphClient>(harness_->channel());
  return absl::OkStatus();
}

absl::Status GraphLedger::Append(const std::vector<v1::LineageEvent>& events, size_t batch) {
  return Append(events, batch, *signer_);
}

absl::Status GraphLedger::Append(const std::vector<v1::LineageEvent>& events, size_t batch,
                                 const EventSigner& signer) {
  for (size_t begin = 0; begin < events.size(); begin += batch) {
    const size_t end = std::min(events.size(), begin + batch);
    std::vector<v1::SignedEvent> signed_events;
    for (size_t i = begin; i < end; ++i) signed_events.push_back(signer.Sign(events[i]));
    clock_.Advance(absl::Seconds(1));
    ASSIGN_OR_RETURN(v1::AppendEventsResponse response,
                     harness_->client().AppendEvents(std::move(signed_events)));
    if (response.receipts_size() != static_cast<int>(end - begin)) {
      return absl::InternalError("append: receipts do not match the events");
    }
    for (size_t i = begin; i < end; ++i) {
      const v1::Receipt& r = response.receipts(static_cast<int>(i - begin));
      if (r.status() != v1::RECEIPT_STATUS_ACCEPTED) {
        return absl::InternalError(
            absl::StrCat("append: event ", events[i].event_id(), ": ", r.error_message()));
      }
      reference_.Add(events[i], r.log_index(),
                     r.integrated_time().seconds() * 1000000 + r.integrated_time().nanos() / 1000);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<uint64_t, v1::Node>> GraphLedger::AllNodes(const v1::AsOf& as_of) {
  v1::SearchNodesRequest request;
  request.set_page_size(1000);
  *request.mutable_as_of() = as_of;
  ASSIGN_OR_RETURN(std::vector<v1::Node> nodes, graph_->SearchAll(request));
  std::map<uint64_t, v1::Node> out;
  std::map<std::string, uint64_t> seen;
  for (v1::Node& n : nodes) {
    const std::string key = NaturalKey(n);
    if (!seen.emplace(key, n.node_id()).second) {
      return absl::InternalError(
          absl::StrCat("nodes ", seen[key], " and ", n.node_id(), " share the natural key ", key));
    }
    if (!out.emplace(n.node_id(), std::move(n)).second) {
      return absl::InternalError(absl::StrCat("search returned node ", n.node_id(), " twice"));
    }
  }
  return out;
}

absl::Status GraphLedger::LoadKeys() {
  ASSIGN_OR_RETURN(auto nodes, AllNodes());
  keys_.clear();
  ids_.clear();
  for (const auto& [id, node] : nodes) {
    keys_[id] = NaturalKey(node);
    ids_[keys_[id]] = id;
  }
  return absl::OkStatus();
}

const std::string& GraphLedger::KeyOf(uint64_t id) const {
  static const std::string* kUnknown = new std::string("<unknown node>");
  auto it = keys_.find(id);
  return it == keys_.end() ? *kUnknown : it->second;
}

uint64_t GraphLedger::IdOf(const std::string& key) const {
  auto it = ids_.find(key);
  return it == ids_.end() ? 0 : it->second;
}

absl::StatusOr<uint64_t> GraphLedger::TreeSize() {
  ASSIGN_OR_RETURN(v1::SignedCheckpoint checkpoint, harness_->client().GetCheckpoint());
  return checkpoint.tree_size();
}

}  // namespace lineage::testing
