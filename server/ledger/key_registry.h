// KeyRegistry: the producer keys the ledger accepts signatures from, parsed
// once and held in memory. RocksDB (LogStore's keys column) is the truth;
// the registry is loaded from it at start and updated by the log writer
// after each committed key change.
//
//   std::shared_ptr<const RegisteredKey> key = registry.Find(key_id);
//   if (key) RETURN_IF_ERROR(key->public_key.Verify(message, signature));
//
// Thread-safety: safe for concurrent use. Returned keys are immutable
// snapshots; a later change replaces the entry, never mutates it.
#ifndef LINEAGE_SERVER_LEDGER_KEY_REGISTRY_H_
#define LINEAGE_SERVER_LEDGER_KEY_REGISTRY_H_

#include <map>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "crypto/ed25519.h"
#include "crypto/key_id.h"
#include "lineage/v1/keys.pb.h"
#include "storage/log_store.h"

namespace lineage {

struct RegisteredKey {
  KeyId id;
  Ed25519PublicKey public_key;
  v1::ProducerKey record;  // As stored, state not filled in.
};

class KeyRegistry {
 public:
  // Loads every stored key. DATA_LOSS if a stored key cannot be parsed.
  static absl::StatusOr<std::unique_ptr<KeyRegistry>> Load(const LogStore& store);

  // The key, or nullptr if unknown.
  std::shared_ptr<const RegisteredKey> Find(const KeyId& id) const;

  // Adds or replaces a key (after its change is committed).
  void Put(std::shared_ptr<const RegisteredKey> key);

  // All keys, ordered by key ID.
  std::vector<std::shared_ptr<const RegisteredKey>> List() const;

  // Builds a RegisteredKey from a stored/constructed ProducerKey record.
  static absl::StatusOr<std::shared_ptr<const RegisteredKey>> FromRecord(v1::ProducerKey record);

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<const RegisteredKey>> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_KEY_REGISTRY_H_
