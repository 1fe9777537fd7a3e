// FaultInjectionFs: a file system for tests that fails writes the way a full
// disk or a failing device does, so the ledger's failure paths run against
// real RocksDB. It is the one fake allowed at the storage seam (injected I/O
// errors); production code never creates one.
//
//   FaultInjectionFs faults;
//   ASSIGN_OR_RETURN(auto db, Database::Open({.path = dir, .faults = &faults}));
//   faults.Fail(FaultInjectionFs::Mode::kNoSpace);   // writes now fail: ENOSPC
//   faults.Fail(FaultInjectionFs::Mode::kNone);      // space is back
//
// While a mode other than kNone is set, the operations it names return the
// injected error; reads are untouched. Nothing is written partially: an
// append either happens whole or fails whole before reaching the real file.
// kNoSpace also reports no free space, as a full disk does, so RocksDB's
// automatic recovery waits for space to return as it would in production.
//
// Thread-safety: Fail() and failures() are safe from any thread. The object
// must outlive every Database opened with it.
#ifndef LINEAGE_STORAGE_FAULT_INJECTION_FS_H_
#define LINEAGE_STORAGE_FAULT_INJECTION_FS_H_

#include <cstdint>
#include <memory>

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace lineage {

class FaultInjectionFs {
 public:
  enum class Mode {
    kNone,     // Pass everything through.
    kNoSpace,  // Writes, syncs and new files fail with "No space left on device".
    kIoError,  // Syncs fail with an I/O error (EIO), as a failing device does.
  };

  FaultInjectionFs();
  ~FaultInjectionFs();
  FaultInjectionFs(const FaultInjectionFs&) = delete;
  FaultInjectionFs& operator=(const FaultInjectionFs&) = delete;

  // Sets what happens to writes from now on.
  void Fail(Mode mode);

  // How many operations have failed because of injected errors so far.
  int64_t failures() const;

 private:
  friend class Database;
  struct Impl;
  rocksdb::Env* env() const;

  std::unique_ptr<Impl> impl_;
};

}  // namespace lineage

#endif  // LINEAGE_STORAGE_FAULT_INJECTION_FS_H_
