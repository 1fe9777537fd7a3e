// The machine's own ingest ceiling, measured in the same run as the ledger:
// Ed25519 verification of realistic event messages through OpenSSL EVP,
// with one parsed key reused (as the server does), on 1 thread and on every
// core. Signature checks are most of an event's server CPU, so
// per-core rate x cores bounds what any ledger on this machine can ingest.
//
//   VerifyRate one = MeasureVerifyRate(key, messages, signatures, 1, absl::Seconds(2));
//
// Thread-safety: MeasureVerifyRate starts and joins its own threads.
#ifndef LINEAGE_BENCH_MACHINE_LIMIT_H_
#define LINEAGE_BENCH_MACHINE_LIMIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crypto/ed25519.h"

namespace lineage::bench {

struct VerifyRate {
  int threads = 0;
  int64_t verifies = 0;
  int64_t failures = 0;   // Must be 0: every signature given is valid.
  double per_second = 0;  // Sum over threads of verifies / that thread's time.
};

// Verifies signatures[i] over messages[i], round-robin, under `key` on
// `threads` threads for about `duration`. The vectors must be the same
// non-zero length.
VerifyRate MeasureVerifyRate(const Ed25519PublicKey& key, const std::vector<std::string>& messages,
                             const std::vector<std::string>& signatures, int threads,
                             absl::Duration duration);

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_MACHINE_LIMIT_H_
