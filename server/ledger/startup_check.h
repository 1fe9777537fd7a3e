// The check the ledger runs when it opens a data directory: recompute the
// root at the stored tree size from the stored nodes, and check the latest
// signed checkpoint against it.
//
// The outcome says what to serve and whether writes are allowed. Writes are
// refused (with a message saying exactly why) when:
//   - the stored tree head's root differs from the root of the stored nodes;
//   - the latest checkpoint is not signed by this log's key and origin;
//   - the latest checkpoint covers more entries than are stored;
//   - the root at the checkpoint's size differs from the checkpoint's root.
//
// Thread-safety: pure apart from reads of `store`.
#ifndef LINEAGE_SERVER_LEDGER_STARTUP_CHECK_H_
#define LINEAGE_SERVER_LEDGER_STARTUP_CHECK_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crypto/merkle_frontier.h"
#include "server/ledger/checkpoint_signer.h"
#include "storage/log_store.h"

namespace lineage {

struct StartupState {
  MerkleFrontier frontier;
  // The checkpoint to serve: the stored one, or a new one over the stored
  // head when the stored one is older (crash between commit and storing
  // the checkpoint) or missing. When writes are refused, only a stored
  // checkpoint that verifies is served (nothing new is signed over damaged
  // state), so it may be null.
  std::shared_ptr<const PublishedCheckpoint> checkpoint;
  // True if `checkpoint` was signed now and should be stored.
  bool checkpoint_is_new = false;
  // OK, or why writes must be refused (FAILED_PRECONDITION).
  absl::Status write_refusal;
};

// Errors reading storage are returned as such; integrity failures are
// reported in `write_refusal`, not as errors. `previous_keys` are the log's
// keys before a rotation: a stored checkpoint signed by one of them passes
// the same checks, and a new checkpoint is then signed with `signer`.
absl::StatusOr<StartupState> CheckLogAtStartup(const LogStore& store,
                                               const CheckpointSigner& signer,
                                               const std::vector<NoteVerifier>& previous_keys = {});

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_STARTUP_CHECK_H_
