// RequireTls13: makes every TLS context this process creates from now on
// refuse protocol versions below TLS 1.3, so a client that offers only
// TLS 1.2 fails the handshake instead of getting a weaker session.
//
// gRPC 1.51 has no minimum-version setting (it asks OpenSSL for TLS 1.2 and
// up), so this goes through OpenSSL's process-wide configuration: the
// "system_default" section that SSL_CTX_new applies to every context. It
// sets SSL_OP_NO_TLSv1_2 and the older SSL_OP_NO_* flags, which gRPC's own
// SSL_CTX_set_min_proto_version call does not clear, and keeps Debian's
// security level 2. The result is checked on a context made for the
// purpose; if OpenSSL did not take it, an error says so and TLS serving
// must not start.
//
// Process-wide and idempotent: the first call decides, later calls return
// its status. Call it before the first TLS context is made.
#ifndef LINEAGE_SERVER_SERVICE_TLS_FLOOR_H_
#define LINEAGE_SERVER_SERVICE_TLS_FLOOR_H_

#include "absl/status/status.h"

namespace lineage {

absl::Status RequireTls13();

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_TLS_FLOOR_H_
