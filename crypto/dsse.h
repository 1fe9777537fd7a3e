// DSSE pre-authentication encoding (secure-systems-lab/dsse, protocol.md):
//
//   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
//
// where LEN is the ASCII decimal byte length and SP is one space. Producers
// sign PAE(payload_type, payload) so a signature over an event can never be
// replayed as a signature over another kind of payload.
//
// Thread-safety: pure function.
#ifndef LINEAGE_CRYPTO_DSSE_H_
#define LINEAGE_CRYPTO_DSSE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace lineage {

std::string PreAuthEncode(absl::string_view payload_type, absl::string_view payload);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_DSSE_H_
