// LogReader: answers the read side of the log (checkpoints, inclusion and
// consistency proofs, entries) from stored nodes, never beyond the latest
// published checkpoint, so every answer can be checked against a signed
// tree head.
//
// Thread-safety: safe for concurrent use. The store and writer must outlive
// the reader.
#ifndef LINEAGE_SERVER_LEDGER_LOG_READER_H_
#define LINEAGE_SERVER_LEDGER_LOG_READER_H_

#include "absl/status/statusor.h"
#include "lineage/v1/log.pb.h"
#include "server/ledger/checkpoint_signer.h"
#include "server/ledger/log_writer.h"
#include "storage/log_store.h"

namespace lineage {

// The proto form of a published checkpoint.
v1::SignedCheckpoint ToProto(const PublishedCheckpoint& checkpoint);

class LogReader {
 public:
  struct Limits {
    uint32_t max_entries = 1000;
    // GetEntries stops early (returning at least one entry) once the answer
    // passes this size, so it fits a client's default 4 MiB message limit.
    size_t max_entries_bytes = 3 << 20;
  };

  LogReader(const LogStore& store, const LogWriter& writer, Limits limits)
      : store_(store), writer_(writer), limits_(limits) {}

  // FAILED_PRECONDITION if there is no checkpoint to serve (writes refused
  // at start and no stored checkpoint verified).
  absl::StatusOr<v1::SignedCheckpoint> GetCheckpoint() const;

  // See LogService.GetInclusionProof in proto/lineage/v1/log.proto.
  absl::StatusOr<v1::InclusionProof> GetInclusionProof(
      const v1::GetInclusionProofRequest& request) const;

  // See LogService.GetConsistencyProof.
  absl::StatusOr<v1::ConsistencyProof> GetConsistencyProof(
      const v1::GetConsistencyProofRequest& request) const;

  // See LogService.GetEntries.
  absl::StatusOr<v1::GetEntriesResponse> GetEntries(const v1::GetEntriesRequest& request) const;

 private:
  absl::StatusOr<std::shared_ptr<const PublishedCheckpoint>> Latest() const;

  const LogStore& store_;
  const LogWriter& writer_;
  const Limits limits_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_LOG_READER_H_
