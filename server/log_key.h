// Loading (and, in development, creating) the keys lineaged starts with:
// the log's checkpoint-signing key and the development producer key.
//
// Private keys are PKCS #8 PEM files with mode 0600; beside the log key the
// server writes "<file>.vkey", the verifier key clients pin. Keys are read
// here and handed to the Ledger; their bytes are never logged.
//
// Thread-safety: call once at start-up.
#ifndef LINEAGE_SERVER_LOG_KEY_H_
#define LINEAGE_SERVER_LOG_KEY_H_

#include <string>

#include "absl/status/statusor.h"
#include "crypto/ed25519.h"
#include "server/ledger/ledger.h"

namespace lineage {

struct LoadedKey {
  Ed25519PrivateKey key;
  bool created = false;
};

// Reads the Ed25519 private key at `path`. If it does not exist and
// `create` is set, generates one and writes it (mode 0600). NOT_FOUND if
// missing and not `create`; FAILED_PRECONDITION if its permissions are loose.
absl::StatusOr<LoadedKey> LoadOrCreatePrivateKey(const std::string& path, bool create);

// Development default: ensures a producer key exists at `path` and is
// registered for every namespace ("*"). Returns its key ID.
absl::StatusOr<std::string> EnsureDevProducerKey(Ledger& ledger, const std::string& path);

}  // namespace lineage

#endif  // LINEAGE_SERVER_LOG_KEY_H_
