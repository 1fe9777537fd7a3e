// lineagectl's operator commands, over AdminService
// (proto/lineage/v1/admin.proto):
//
//   lineagectl backup [--name N]          online backup into the server's backup directory
//   lineagectl verify-integrity [--wait]  start the full integrity check (and wait for it)
//   lineagectl status                     size, latest checkpoint, writable or why not
//   lineagectl health [--service S]       grpc.health.v1 Check; exit 0 only if SERVING
//                                         (the container's HEALTHCHECK)
//
// Each prints the response as JSON on stdout. `verify-integrity --wait`
// fails (exit 1) if the check finds damage or cannot run.
//
// Thread-safety: single-threaded command-line use.
#ifndef LINEAGE_TOOLS_ADMIN_COMMANDS_H_
#define LINEAGE_TOOLS_ADMIN_COMMANDS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace lineage::cli {

absl::Status Backup(const std::shared_ptr<grpc::Channel>& channel, absl::Duration deadline,
                    const std::string& name);

// With `wait`, polls until the check ends (no deadline on the whole wait:
// the check is throttled and takes about a minute per million entries).
absl::Status VerifyIntegrity(const std::shared_ptr<grpc::Channel>& channel,
                             absl::Duration deadline, bool wait);

absl::Status Status(const std::shared_ptr<grpc::Channel>& channel, absl::Duration deadline);

// grpc.health.v1.Health/Check for `service` ("" is the server as a whole).
// OK only if SERVING; UNAVAILABLE naming the status otherwise.
absl::Status Health(const std::shared_ptr<grpc::Channel>& channel, absl::Duration deadline,
                    const std::string& service);

}  // namespace lineage::cli

#endif  // LINEAGE_TOOLS_ADMIN_COMMANDS_H_
