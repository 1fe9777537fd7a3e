// lineage-verify: checks the ledger's evidence offline, against a pinned log
// verifier key. It links no gRPC and no RocksDB: only the pure crypto and
// the API message types. Exits 0 only when what it was given verifies.
//
//   lineage-verify checkpoint  --vkey V --checkpoint FILE
//   lineage-verify inclusion   --vkey V --checkpoint FILE --proof FILE
//   lineage-verify inclusion   --root HEX --size N --leaf_hash HEX --index N --hashes H1,H2
//   lineage-verify consistency --vkey V --old FILE --new FILE --proof FILE
//   lineage-verify consistency --size1 N --root1 HEX --size2 N --root2 HEX --hashes H1,H2
//   lineage-verify receipt     --vkey V --receipt FILE --event FILE [--checkpoint F --proof F]
//
// FILE may be "-" for stdin. Checkpoints are the signed note text or its
// SignedCheckpoint JSON; proofs, receipts and events are the API's JSON.
#include <iostream>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "crypto/merkle_verify.h"
#include "tools/cli_util.h"

ABSL_FLAG(std::string, vkey, "", "Pinned log verifier key, or a file holding it.");
ABSL_FLAG(std::string, checkpoint, "", "Signed checkpoint: note text or SignedCheckpoint JSON.");
ABSL_FLAG(std::string, old, "", "Older signed checkpoint (consistency).");
ABSL_FLAG(std::string, new, "", "Newer signed checkpoint (consistency).");
ABSL_FLAG(std::string, proof, "", "InclusionProof or ConsistencyProof JSON.");
ABSL_FLAG(std::string, receipt, "", "Receipt JSON.");
ABSL_FLAG(std::string, event, "", "The SignedEvent JSON that was sent.");
ABSL_FLAG(std::string, root, "", "Unsigned mode: root hash (hex) of a tree of --size.");
ABSL_FLAG(uint64_t, size, 0, "Unsigned mode: tree size.");
ABSL_FLAG(std::string, leaf_hash, "", "Leaf hash (hex).");
ABSL_FLAG(uint64_t, index, 0, "Leaf index (0-based).");
ABSL_FLAG(std::string, hashes, "", "Proof hashes, hex, comma-separated, in proof order.");
ABSL_FLAG(uint64_t, size1, 0, "Unsigned consistency: older size.");
ABSL_FLAG(uint64_t, size2, 0, "Unsigned consistency: newer size.");
ABSL_FLAG(std::string, root1, "", "Unsigned consistency: older root (hex).");
ABSL_FLAG(std::string, root2, "", "Unsigned consistency: newer root (hex).");

namespace lineage::cli {
namespace {

absl::StatusOr<Checkpoint> LoadCheckpoint(const LogVerifier& verifier, const std::string& path,
                                          absl::string_view flag) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": missing"));
  ASSIGN_OR_RETURN(std::string text, ReadInput(path));
  if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), "{")) {
    v1::SignedCheckpoint message;
    RETURN_IF_ERROR(ParseJson(text, message, flag));
    return verifier.VerifyCheckpoint(message);
  }
  return verifier.VerifyCheckpointNote(text);
}

template <typename Message>
absl::StatusOr<Message> LoadJson(const std::string& path, absl::string_view flag) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": missing"));
  ASSIGN_OR_RETURN(std::string text, ReadInput(path));
  Message message;
  RETURN_IF_ERROR(ParseJson(text, message, flag));
  return message;
}

absl::StatusOr<std::vector<Hash>> ParseHashList(const std::string& list) {
  std::vector<Hash> out;
  if (list.empty()) return out;
  int i = 0;
  for (absl::string_view hex : absl::StrSplit(list, ',')) {
    ASSIGN_OR_RETURN(Hash h, HashFromHex(absl::StripAsciiWhitespace(hex),
                                         absl::StrCat("--hashes[", i++, "]")));
    out.push_back(h);
  }
  return out;
}

absl::StatusOr<std::string> VerifyCheckpointCommand() {
  ASSIGN_OR_RETURN(LogVerifier verifier, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
  ASSIGN_OR_RETURN(Checkpoint c, LoadCheckpoint(verifier, absl::GetFlag(FLAGS_checkpoint), "checkpoint"));
  return absl::StrCat("OK: checkpoint of ", c.origin, " at size ", c.size, ", root ",
                      HashToHex(c.root), ", signed by the pinned key");
}

absl::StatusOr<std::string> VerifyInclusionCommand() {
  if (!absl::GetFlag(FLAGS_proof).empty()) {
    ASSIGN_OR_RETURN(LogVerifier verifier, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
    ASSIGN_OR_RETURN(Checkpoint c, LoadCheckpoint(verifier, absl::GetFlag(FLAGS_checkpoint), "checkpoint"));
    ASSIGN_OR_RETURN(auto proof, LoadJson<v1::InclusionProof>(absl::GetFlag(FLAGS_proof), "proof"));
    RETURN_IF_ERROR(verifier.VerifyInclusion(proof, c));
    return absl::StrCat("OK: leaf ", proof.leaf_index(), " is in the signed tree of size ", c.size);
  }
  ASSIGN_OR_RETURN(Hash leaf_hash, HashFromHex(absl::GetFlag(FLAGS_leaf_hash), "--leaf_hash"));
  ASSIGN_OR_RETURN(std::vector<Hash> hashes, ParseHashList(absl::GetFlag(FLAGS_hashes)));
  Hash root;
  uint64_t size = absl::GetFlag(FLAGS_size);
  std::string what = "the tree";
  if (!absl::GetFlag(FLAGS_checkpoint).empty()) {
    ASSIGN_OR_RETURN(LogVerifier verifier, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
    ASSIGN_OR_RETURN(Checkpoint c, LoadCheckpoint(verifier, absl::GetFlag(FLAGS_checkpoint), "checkpoint"));
    root = c.root;
    size = c.size;
    what = "the signed tree";
  } else {
    ASSIGN_OR_RETURN(root, HashFromHex(absl::GetFlag(FLAGS_root), "--root"));
    what = "the tree (root given, no signature checked)";
  }
  RETURN_IF_ERROR(VerifyInclusion(absl::GetFlag(FLAGS_index), size, leaf_hash, hashes, root));
  return absl::StrCat("OK: leaf ", absl::GetFlag(FLAGS_index), " is in ", what, " of size ", size);
}

absl::StatusOr<std::string> VerifyConsistencyCommand() {
  if (!absl::GetFlag(FLAGS_old).empty() || !absl::GetFlag(FLAGS_new).empty()) {
    ASSIGN_OR_RETURN(LogVerifier verifier, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
    ASSIGN_OR_RETURN(Checkpoint older, LoadCheckpoint(verifier, absl::GetFlag(FLAGS_old), "old"));
    ASSIGN_OR_RETURN(Checkpoint newer, LoadCheckpoint(verifier, absl::GetFlag(FLAGS_new), "new"));
    if (!absl::GetFlag(FLAGS_proof).empty()) {
      ASSIGN_OR_RETURN(auto proof, LoadJson<v1::ConsistencyProof>(absl::GetFlag(FLAGS_proof), "proof"));
      RETURN_IF_ERROR(verifier.VerifyConsistency(proof, older, newer));
    } else {
      ASSIGN_OR_RETURN(std::vector<Hash> hashes, ParseHashList(absl::GetFlag(FLAGS_hashes)));
      RETURN_IF_ERROR(VerifyConsistency(older.size, newer.size, hashes, older.root, newer.root));
    }
    return absl::StrCat("OK: the signed tree of size ", older.size,
                        " is a prefix of the signed tree of size ", newer.size);
  }
  ASSIGN_OR_RETURN(Hash root1, HashFromHex(absl::GetFlag(FLAGS_root1), "--root1"));
  ASSIGN_OR_RETURN(Hash root2, HashFromHex(absl::GetFlag(FLAGS_root2), "--root2"));
  ASSIGN_OR_RETURN(std::vector<Hash> hashes, ParseHashList(absl::GetFlag(FLAGS_hashes)));
  RETURN_IF_ERROR(VerifyConsistency(absl::GetFlag(FLAGS_size1), absl::GetFlag(FLAGS_size2), hashes,
                                    root1, root2));
  return absl::StrCat("OK: the tree of size ", absl::GetFlag(FLAGS_size1),
                      " is a prefix of the tree of size ", absl::GetFlag(FLAGS_size2),
                      " (roots given, no signature checked)");
}

absl::StatusOr<std::string> VerifyReceiptCommand() {
  ASSIGN_OR_RETURN(LogVerifier verifier, LoadVerifier(absl::GetFlag(FLAGS_vkey)));
  ASSIGN_OR_RETURN(auto receipt, LoadJson<v1::Receipt>(absl::GetFlag(FLAGS_receipt), "receipt"));
  ASSIGN_OR_RETURN(auto event, LoadJson<v1::SignedEvent>(absl::GetFlag(FLAGS_event), "event"));
  RETURN_IF_ERROR(verifier.VerifyReceipt(receipt, event));
  std::string out = absl::StrCat("OK: receipt for log index ", receipt.log_index(),
                                 " commits to the event that was sent");
  if (!absl::GetFlag(FLAGS_proof).empty()) {
    ASSIGN_OR_RETURN(Checkpoint c, LoadCheckpoint(verifier, absl::GetFlag(FLAGS_checkpoint), "checkpoint"));
    ASSIGN_OR_RETURN(auto proof, LoadJson<v1::InclusionProof>(absl::GetFlag(FLAGS_proof), "proof"));
    if (proof.leaf_index() != receipt.log_index() || proof.leaf_hash() != receipt.leaf_hash()) {
      return absl::FailedPreconditionError("the inclusion proof is for another leaf than the receipt");
    }
    RETURN_IF_ERROR(verifier.VerifyInclusion(proof, c));
    absl::StrAppend(&out, ", and is included in the signed tree of size ", c.size);
  }
  return out;
}

int Main(const std::vector<char*>& args) {
  if (args.size() != 2) {
    std::cerr << "usage: lineage-verify checkpoint|inclusion|consistency|receipt [flags]; "
                 "see --help\n";
    return kExitUsage;
  }
  const std::string command = args[1];
  absl::StatusOr<std::string> result =
      command == "checkpoint"    ? VerifyCheckpointCommand()
      : command == "inclusion"   ? VerifyInclusionCommand()
      : command == "consistency" ? VerifyConsistencyCommand()
      : command == "receipt"     ? VerifyReceiptCommand()
                                 : absl::InvalidArgumentError(absl::StrCat("unknown command \"", command, "\""));
  if (!result.ok()) {
    std::cerr << "FAILED: " << absl::StatusCodeToString(result.status().code()) << ": "
              << result.status().message() << "\n";
    return kExitFailed;
  }
  std::cout << *result << "\n";
  return kExitOk;
}

}  // namespace
}  // namespace lineage::cli

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "lineage-verify checkpoint|inclusion|consistency|receipt [flags]: verify Lineage Ledger "
      "evidence offline against a pinned log key. Exits 0 only when it verifies.");
  return lineage::cli::Main(absl::ParseCommandLine(argc, argv));
}
