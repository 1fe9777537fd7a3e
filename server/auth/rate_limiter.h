// RateLimiter: per-principal token buckets (burst: one second's worth).
// A call over its principal's rate gets RESOURCE_EXHAUSTED saying the limit
// and when to retry; other principals are unaffected.
//
// Thread-safety: safe for concurrent use.
#ifndef LINEAGE_SERVER_AUTH_RATE_LIMITER_H_
#define LINEAGE_SERVER_AUTH_RATE_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"

namespace lineage {

class RateLimiter {
 public:
  // `clock` must outlive the limiter.
  explicit RateLimiter(const Clock& clock) : clock_(clock) {}

  // Takes `cost` tokens from (principal, bucket) refilled at `per_second`
  // (0: unlimited). `what` names the unit in the message ("events").
  absl::Status Take(const std::string& principal, const std::string& bucket, double per_second,
                    double cost, const char* what);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_micros = 0;
  };
  const Clock& clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_AUTH_RATE_LIMITER_H_
