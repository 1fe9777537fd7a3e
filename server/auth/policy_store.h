// PolicyStore: the access policy in force, replaceable at run time (SIGHUP).
// A policy file that fails to load or validate leaves the old policy in
// force, and the error says why.
//
// Thread-safety: safe for concurrent use.
#ifndef LINEAGE_SERVER_AUTH_POLICY_STORE_H_
#define LINEAGE_SERVER_AUTH_POLICY_STORE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/access_policy.h"

namespace lineage {

class PolicyStore {
 public:
  // Starts with `initial`; `path` (may be empty) is what Reload reads.
  PolicyStore(std::shared_ptr<const AccessPolicy> initial, std::string path)
      : path_(std::move(path)), policy_(std::move(initial)) {}

  std::shared_ptr<const AccessPolicy> Current() const {
    absl::MutexLock lock(&mu_);
    return policy_;
  }

  // Re-reads the policy file. On error the current policy stays and the
  // error is returned. FAILED_PRECONDITION if there is no file to reload.
  absl::Status Reload() {
    if (path_.empty()) {
      return absl::FailedPreconditionError("no policy file to reload (--policy_file not set)");
    }
    absl::StatusOr<std::shared_ptr<const AccessPolicy>> loaded = AccessPolicy::Load(path_);
    if (!loaded.ok()) return loaded.status();
    absl::MutexLock lock(&mu_);
    policy_ = *std::move(loaded);
    return absl::OkStatus();
  }

  // Replaces the policy (tests).
  void Set(std::shared_ptr<const AccessPolicy> policy) {
    absl::MutexLock lock(&mu_);
    policy_ = std::move(policy);
  }

 private:
  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const AccessPolicy> policy_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_AUTH_POLICY_STORE_H_
