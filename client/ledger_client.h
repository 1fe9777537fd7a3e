// LedgerClient: a thin, synchronous C++ client for the ledger's gRPC API.
// It converts grpc::Status to absl::Status (same codes, same messages) and
// applies a per-call deadline. Verification lives in LogVerifier: this
// class only transports.
//
//   auto channel = grpc::CreateChannel("127.0.0.1:50051", grpc::InsecureChannelCredentials());
//   LedgerClient client(channel);
//   ASSIGN_OR_RETURN(v1::AppendEventsResponse r, client.AppendEvents({signed_event}));
//
// Thread-safety: safe for concurrent use (gRPC stubs are thread-safe).
#ifndef LINEAGE_CLIENT_LEDGER_CLIENT_H_
#define LINEAGE_CLIENT_LEDGER_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lineage/v1/ingest.grpc.pb.h"
#include "lineage/v1/keys.grpc.pb.h"
#include "lineage/v1/log.grpc.pb.h"

namespace lineage {

// The one grpc::Status -> absl::Status conversion on the client side.
absl::Status FromGrpcStatus(const grpc::Status& status);

class LedgerClient {
 public:
  explicit LedgerClient(std::shared_ptr<grpc::Channel> channel,
                        absl::Duration deadline = absl::Seconds(30));

  absl::StatusOr<v1::AppendEventsResponse> AppendEvents(std::vector<v1::SignedEvent> events,
                                                        bool atomic = false);
  absl::StatusOr<v1::AppendEventsResponse> AppendEvents(const v1::AppendEventsRequest& request);

  absl::StatusOr<v1::SignedCheckpoint> GetCheckpoint();
  // tree_size 0: the latest checkpoint's size.
  absl::StatusOr<v1::InclusionProof> GetInclusionProofByIndex(uint64_t leaf_index,
                                                              uint64_t tree_size = 0);
  absl::StatusOr<v1::InclusionProof> GetInclusionProofByHash(const std::string& leaf_hash,
                                                             uint64_t tree_size = 0);
  absl::StatusOr<v1::ConsistencyProof> GetConsistencyProof(uint64_t from_size,
                                                           uint64_t to_size = 0);
  absl::StatusOr<v1::GetEntriesResponse> GetEntries(uint64_t start, uint32_t count);

  absl::StatusOr<v1::ProducerKey> RegisterKey(const v1::RegisterKeyRequest& request);
  absl::StatusOr<v1::ListKeysResponse> ListKeys(bool include_inactive);
  absl::StatusOr<v1::ProducerKey> RevokeKey(const std::string& key_id, const std::string& reason);

  v1::IngestService::Stub& ingest() { return *ingest_; }

 private:
  template <typename Request, typename Response, typename Stub, typename Method>
  absl::StatusOr<Response> Call(Stub& stub, Method method, const Request& request);

  std::shared_ptr<grpc::Channel> channel_;
  absl::Duration deadline_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::LogService::Stub> log_;
  std::unique_ptr<v1::KeyService::Stub> keys_;
};

}  // namespace lineage

#endif  // LINEAGE_CLIENT_LEDGER_CLIENT_H_
