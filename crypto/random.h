// Cryptographically secure random bytes from OpenSSL's CSPRNG.
//
// Thread-safety: safe to call concurrently.
#ifndef LINEAGE_CRYPTO_RANDOM_H_
#define LINEAGE_CRYPTO_RANDOM_H_

#include <string>

namespace lineage {

// `n` random bytes. Aborts if the CSPRNG fails (nothing safe can follow).
std::string RandomBytes(size_t n);

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_RANDOM_H_
