// Early-return helpers for absl::Status and absl::StatusOr<T>.
//
// Debian 12's Abseil (20220623) ships no status macros, so the project keeps
// these two. Usage:
//
//   RETURN_IF_ERROR(store.Put(key, value));
//   ASSIGN_OR_RETURN(Hash root, tree.RootAt(size));
//
// Thread-safety: macros only; no state.
#ifndef LINEAGE_COMMON_STATUS_MACROS_H_
#define LINEAGE_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define LINEAGE_STATUS_CONCAT_INNER_(a, b) a##b
#define LINEAGE_STATUS_CONCAT_(a, b) LINEAGE_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status); returns it from the caller if not OK.
#define RETURN_IF_ERROR(expr)                                 \
  do {                                                        \
    ::absl::Status lineage_status_ = (expr);                  \
    if (!lineage_status_.ok()) return lineage_status_;        \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the caller, otherwise moves the value into `lhs` (a declaration or lvalue).
#define ASSIGN_OR_RETURN(lhs, rexpr)                                        \
  ASSIGN_OR_RETURN_IMPL_(LINEAGE_STATUS_CONCAT_(lineage_statusor_, __LINE__), \
                         lhs, rexpr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                           \
  if (!statusor.ok()) return statusor.status();      \
  lhs = std::move(statusor).value()

#endif  // LINEAGE_COMMON_STATUS_MACROS_H_
