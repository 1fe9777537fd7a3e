#include "server/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace lineage {

absl::Status RateLimiter::Take(const std::string& principal, const std::string& bucket_name,
                               double per_second, double cost, const char* what) {
  if (per_second <= 0) return absl::OkStatus();
  const int64_t now = absl::ToUnixMicros(clock_.Now());
  absl::MutexLock lock(&mu_);
  // Capacity: one second's worth, or one whole request if that is bigger (a
  // large batch still passes on a full bucket, then waits its share).
  const double capacity = std::max(per_second, cost);
  auto [it, inserted] = buckets_.try_emplace(absl::StrCat(principal, "\n", bucket_name));
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = capacity;
    b.last_micros = now;
  }
  b.tokens = std::min(capacity, b.tokens + per_second * std::max<int64_t>(0, now - b.last_micros) / 1e6);
  b.last_micros = now;
  if (b.tokens >= cost) {
    b.tokens -= cost;
    return absl::OkStatus();
  }
  const double wait_ms = std::ceil((cost - b.tokens) / per_second * 1000);
  return absl::ResourceExhaustedError(absl::StrCat(
      "rate limit: principal \"", principal, "\" may send ", per_second, " ", what,
      " per second; retry in ", wait_ms, " ms"));
}

}  // namespace lineage
