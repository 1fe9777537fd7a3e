#include "server/ledger/startup_check.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "crypto/merkle_proof.h"

namespace lineage {
namespace {

absl::Status Refuse(absl::string_view why) {
  return absl::FailedPreconditionError(
      absl::StrCat("log integrity check failed at start: ", why,
                   "; writes are refused until the data directory is verified or restored"));
}

}  // namespace

absl::StatusOr<StartupState> CheckLogAtStartup(const LogStore& store,
                                               const CheckpointSigner& signer,
                                               const std::vector<NoteVerifier>& previous_keys) {
  StartupState out;
  ASSIGN_OR_RETURN(TreeHead head, store.ReadTreeHead());
  auto read = [&](int level, uint64_t index) { return store.ReadNode(level, index); };

  // The stored checkpoint, if there is one and it is ours.
  std::shared_ptr<const PublishedCheckpoint> stored;
  absl::StatusOr<std::string> note = store.ReadLatestCheckpoint();
  if (!note.ok() && !absl::IsNotFound(note.status())) return note.status();
  bool rotated = false;  // The stored checkpoint is signed by a previous key.
  if (note.ok()) {
    absl::StatusOr<Checkpoint> checkpoint = OpenCheckpoint(*note, signer.verifier());
    for (size_t i = 0; !checkpoint.ok() && i < previous_keys.size(); ++i) {
      absl::StatusOr<Checkpoint> by_previous = OpenCheckpoint(*note, previous_keys[i]);
      if (by_previous.ok()) {
        checkpoint = *std::move(by_previous);
        rotated = true;
      }
    }
    if (!checkpoint.ok()) {
      out.write_refusal = Refuse(absl::StrCat(
          "the latest stored checkpoint does not verify under this server's log key \"",
          signer.VerifierKey(), "\": ", checkpoint.status().message(),
          " (was the log key or origin changed?)"));
      return out;
    }
    stored = std::make_shared<const PublishedCheckpoint>(
        PublishedCheckpoint{*std::move(note), *std::move(checkpoint)});
  }
  // A checkpoint signed by a previous key is never served: clients pin the
  // current one. A new one is signed below.
  out.checkpoint = rotated ? nullptr : stored;

  std::vector<Hash> subtrees;
  for (const NodeAddress& a : FrontierAddresses(head.size)) {
    absl::StatusOr<Hash> h = store.ReadNode(a.level, a.index);
    if (!h.ok()) {
      out.write_refusal = Refuse(absl::StrCat("the tree of size ", head.size,
                                              " is missing a node: ", h.status().message()));
      return out;
    }
    subtrees.push_back(*h);
  }
  ASSIGN_OR_RETURN(out.frontier, MerkleFrontier::FromSubtrees(head.size, std::move(subtrees)));
  const Hash root = out.frontier.Root();
  if (root != head.root) {
    out.write_refusal = Refuse(absl::StrCat(
        "the tree head says size ", head.size, " has root ", HashToHex(head.root),
        " but the stored tree nodes give root ", HashToHex(root)));
    return out;
  }
  if (stored != nullptr) {
    const Checkpoint& c = stored->checkpoint;
    if (c.size > head.size) {
      out.write_refusal = Refuse(absl::StrCat(
          "the latest signed checkpoint covers ", c.size, " entries but storage holds only ",
          head.size, ": acknowledged entries are missing; restore from a backup"));
      return out;
    }
    absl::StatusOr<Hash> root_then = ComputeRootAt(c.size, read);
    if (!root_then.ok() || *root_then != c.root) {
      out.write_refusal = Refuse(absl::StrCat(
          "the latest signed checkpoint has root ", HashToHex(c.root), " at size ", c.size,
          " but the stored tree gives ",
          root_then.ok() ? HashToHex(*root_then) : std::string(root_then.status().message())));
      return out;
    }
    if (c.size == head.size && !rotated) return out;
  }
  // No checkpoint yet, or one older than the committed head (the process
  // stopped between the commit and storing its checkpoint): sign the head.
  out.checkpoint = std::make_shared<const PublishedCheckpoint>(signer.Sign(head.size, root));
  out.checkpoint_is_new = true;
  return out;
}

}  // namespace lineage
