// Turns a SignedEvent from the wire into a VerifiedEvent, or says precisely
// why not. Runs on the worker pool, in parallel, before the log writer.
//
// Checks, in order, each failure with its status code:
//   payload type is the lineage event type           INVALID_ARGUMENT
//   payload at most max_payload_bytes                RESOURCE_EXHAUSTED
//   key_id is 32 hex characters                      INVALID_ARGUMENT
//   signature is 64 bytes                            INVALID_ARGUMENT
//   key is registered                                UNAUTHENTICATED
//   key is valid now and not revoked                 UNAUTHENTICATED
//   Ed25519 signature over PAE(type, payload)        UNAUTHENTICATED
//   payload parses as a LineageEvent                 INVALID_ARGUMENT
//   the event is valid (event_validator.h)           INVALID_ARGUMENT
//   the key belongs to the submitting principal      PERMISSION_DENIED
//   key and principal may write every namespace it writes   PERMISSION_DENIED
//
// Thread-safety: pure apart from reading the (thread-safe) registry.
#ifndef LINEAGE_SERVER_LEDGER_EVENT_VERIFIER_H_
#define LINEAGE_SERVER_LEDGER_EVENT_VERIFIER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crypto/hash.h"
#include "crypto/key_id.h"
#include "lineage/v1/envelope.pb.h"
#include "lineage/v1/event.pb.h"
#include "server/ledger/key_registry.h"

namespace lineage {

// An event whose signature, content and permissions were checked.
struct VerifiedEvent {
  v1::LineageEvent event;
  std::shared_ptr<const RegisteredKey> key;
  std::string record;     // The envelope record the leaf will commit to.
  Hash payload_digest{};  // SHA-256 of the payload, for duplicate detection.
};

struct VerifyLimits {
  size_t max_payload_bytes = 1 << 20;
};

// Who is submitting: the authenticated principal and the namespaces its
// producer role covers. A key may only be used by the principal it is
// registered to, and only inside both its own and the principal's
// namespaces, so a stolen client certificate alone, or a stolen signing key
// alone, is not enough to write.
struct ProducerIdentity {
  std::string principal;
  std::vector<std::string> namespaces;  // Patterns as in ProducerKey.namespaces.
};

// With `producer` null, ownership and principal namespaces are not checked
// (tools that verify stored entries).
absl::StatusOr<VerifiedEvent> VerifySignedEvent(const v1::SignedEvent& signed_event,
                                                const KeyRegistry& registry, absl::Time now,
                                                const VerifyLimits& limits,
                                                const ProducerIdentity* producer);

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_EVENT_VERIFIER_H_
