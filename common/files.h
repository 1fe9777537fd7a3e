// Small file helpers for keys and configuration.
//
// Secret files (private keys) are created with mode 0600 inside directories
// created with mode 0700, never overwritten, and refused when readable by
// group or others, so a key cannot leak through a loose permission.
//
// Thread-safety: pure functions over the file system.
#ifndef LINEAGE_COMMON_FILES_H_
#define LINEAGE_COMMON_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace lineage {

// The whole file. NOT_FOUND if missing; PERMISSION_DENIED if unreadable.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Like ReadFile, but FAILED_PRECONDITION if the file is accessible by group
// or others (fix: chmod 600).
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

// Creates `path` (and missing parent directories, mode 0700) with mode 0600
// (`secret`) or 0644. ALREADY_EXISTS if the file exists: keys are never
// overwritten.
absl::Status CreateFile(const std::string& path, absl::string_view contents, bool secret);

// Writes `path` atomically (temporary file, fsync, rename), mode 0644.
absl::Status ReplaceFile(const std::string& path, absl::string_view contents);

bool FileExists(const std::string& path);

}  // namespace lineage

#endif  // LINEAGE_COMMON_FILES_H_
