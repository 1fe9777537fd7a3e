#include "client/ledger_client.h"

namespace lineage {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

LedgerClient::LedgerClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline)
    : channel_(std::move(channel)),
      deadline_(deadline),
      ingest_(v1::IngestService::NewStub(channel_)),
      log_(v1::LogService::NewStub(channel_)),
      keys_(v1::KeyService::NewStub(channel_)) {}

template <typename Request, typename Response, typename Stub, typename Method>
absl::StatusOr<Response> LedgerClient::Call(Stub& stub, Method method, const Request& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(deadline_));
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::AppendEventsResponse> LedgerClient::AppendEvents(
    std::vector<v1::SignedEvent> events, bool atomic) {
  v1::AppendEventsRequest request;
  for (v1::SignedEvent& e : events) *request.add_events() = std::move(e);
  request.set_atomic(atomic);
  return AppendEvents(request);
}

absl::StatusOr<v1::AppendEventsResponse> LedgerClient::AppendEvents(
    const v1::AppendEventsRequest& request) {
  return Call<v1::AppendEventsRequest, v1::AppendEventsResponse>(
      *ingest_, &v1::IngestService::Stub::AppendEvents, request);
}

absl::StatusOr<v1::SignedCheckpoint> LedgerClient::GetCheckpoint() {
  return Call<v1::GetCheckpointRequest, v1::SignedCheckpoint>(
      *log_, &v1::LogService::Stub::GetCheckpoint, v1::GetCheckpointRequest());
}

absl::StatusOr<v1::InclusionProof> LedgerClient::GetInclusionProofByIndex(uint64_t leaf_index,
                                                                          uint64_t tree_size) {
  v1::GetInclusionProofRequest request;
  request.set_leaf_index(leaf_index);
  request.set_tree_size(tree_size);
  return Call<v1::GetInclusionProofRequest, v1::InclusionProof>(
      *log_, &v1::LogService::Stub::GetInclusionProof, request);
}

absl::StatusOr<v1::InclusionProof> LedgerClient::GetInclusionProofByHash(
    const std::string& leaf_hash, uint64_t tree_size) {
  v1::GetInclusionProofRequest request;
  request.set_leaf_hash(leaf_hash);
  request.set_tree_size(tree_size);
  return Call<v1::GetInclusionProofRequest, v1::InclusionProof>(
      *log_, &v1::LogService::Stub::GetInclusionProof, request);
}

absl::StatusOr<v1::ConsistencyProof> LedgerClient::GetConsistencyProof(uint64_t from_size,
                                                                       uint64_t to_size) {
  v1::GetConsistencyProofRequest request;
  request.set_from_size(from_size);
  request.set_to_size(to_size);
  return Call<v1::GetConsistencyProofRequest, v1::ConsistencyProof>(
      *log_, &v1::LogService::Stub::GetConsistencyProof, request);
}

absl::StatusOr<v1::GetEntriesResponse> LedgerClient::GetEntries(uint64_t start, uint32_t count) {
  v1::GetEntriesRequest request;
  request.set_start(start);
  request.set_count(count);
  return Call<v1::GetEntriesRequest, v1::GetEntriesResponse>(
      *log_, &v1::LogService::Stub::GetEntries, request);
}

absl::StatusOr<v1::ProducerKey> LedgerClient::RegisterKey(const v1::RegisterKeyRequest& request) {
  return Call<v1::RegisterKeyRequest, v1::ProducerKey>(*keys_, &v1::KeyService::Stub::RegisterKey,
                                                       request);
}

absl::StatusOr<v1::ListKeysResponse> LedgerClient::ListKeys(bool include_inactive) {
  v1::ListKeysRequest request;
  request.set_include_inactive(include_inactive);
  return Call<v1::ListKeysRequest, v1::ListKeysResponse>(*keys_, &v1::KeyService::Stub::ListKeys,
                                                         request);
}

absl::StatusOr<v1::ProducerKey> LedgerClient::RevokeKey(const std::string& key_id,
                                                        const std::string& reason) {
  v1::RevokeKeyRequest request;
  request.set_key_id(key_id);
  request.set_reason(reason);
  return Call<v1::RevokeKeyRequest, v1::ProducerKey>(*keys_, &v1::KeyService::Stub::RevokeKey,
                                                     request);
}

}  // namespace lineage
