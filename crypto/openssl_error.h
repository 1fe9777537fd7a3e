// Turns OpenSSL's thread-local error queue into text for a Status message.
//
//   return absl::InternalError(absl::StrCat("SSL_CTX_new: ", DrainOpenSslErrors()));
//
// Drains the whole queue, so a later call does not report a stale error.
// Thread-safety: OpenSSL's error queue is per thread; safe from any thread.
#ifndef LINEAGE_CRYPTO_OPENSSL_ERROR_H_
#define LINEAGE_CRYPTO_OPENSSL_ERROR_H_

#include <string>

namespace lineage {

// Every queued error, oldest first, joined by "; "; "no OpenSSL error
// queued" when the queue is empty. Leaves the queue empty.
std::string DrainOpenSslErrors();

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_OPENSSL_ERROR_H_
