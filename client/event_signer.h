// EventSigner: serializes a LineageEvent once and signs those exact bytes
// with a producer's Ed25519 key, as a DSSE-style SignedEvent.
//
//   EventSigner signer(std::move(private_key));
//   v1::SignedEvent signed_event = signer.Sign(event);
//
// The private key stays inside the signer (and the process that owns it).
// Thread-safety: Sign() is safe to call concurrently.
#ifndef LINEAGE_CLIENT_EVENT_SIGNER_H_
#define LINEAGE_CLIENT_EVENT_SIGNER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "crypto/ed25519.h"
#include "crypto/key_id.h"
#include "lineage/v1/envelope.pb.h"
#include "lineage/v1/event.pb.h"

namespace lineage {

class EventSigner {
 public:
  explicit EventSigner(Ed25519PrivateKey key);

  // Serializes `event` (deterministically) and signs the bytes.
  v1::SignedEvent Sign(const v1::LineageEvent& event) const;

  // Signs already serialized event bytes as they are.
  v1::SignedEvent SignPayload(std::string payload) const;

  // The key ID the ledger knows this key by.
  const KeyId& key_id() const { return key_id_; }
  const Ed25519PublicKey& public_key() const { return key_.public_key(); }

 private:
  Ed25519PrivateKey key_;
  KeyId key_id_;
};

}  // namespace lineage

#endif  // LINEAGE_CLIENT_EVENT_SIGNER_H_
