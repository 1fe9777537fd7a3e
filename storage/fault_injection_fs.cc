#include "storage/fault_injection_fs.h"

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>

namespace lineage {
namespace {

using Mode = FaultInjectionFs::Mode;

struct State {
  std::atomic<Mode> mode{Mode::kNone};
  std::atomic<int64_t> failures{0};

  // The injected error for a write (`sync` false) or a sync, or OK.
  rocksdb::IOStatus Check(bool sync) {
    const Mode m = mode.load();
    if (m == Mode::kNoSpace) {
      failures.fetch_add(1);
      return rocksdb::IOStatus::NoSpace("injected fault", "No space left on device");
    }
    if (m == Mode::kIoError && sync) {
      failures.fetch_add(1);
      return rocksdb::IOStatus::IOError("injected fault", "Input/output error (fsync)");
    }
    return rocksdb::IOStatus::OK();
  }
};

class FaultyWritableFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyWritableFile(std::unique_ptr<rocksdb::FSWritableFile> file, State& state)
      : FSWritableFileOwnerWrapper(std::move(file)), state_(state) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_.Check(false);
    return s.ok() ? target()->Append(data, options, dbg) : s;
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_.Check(false);
    return s.ok() ? target()->Append(data, options, info, dbg) : s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_.Check(false);
    return s.ok() ? target()->PositionedAppend(data, offset, options, dbg) : s;
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_.Check(false);
    return s.ok() ? target()->PositionedAppend(data, offset, options, info, dbg) : s;
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_.Check(true);
    return s.ok() ? target()->Sync(options, dbg) : s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_.Check(true);
    return s.ok() ? target()->Fsync(options, dbg) : s;
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = state_.Check(true);
    return s.ok() ? target()->RangeSync(offset, nbytes, options, dbg) : s;
  }

 private:
  State& state_;
};

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(State& state)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), state_(state) {}

  const char* Name() const override { return "LineageFaultInjectionFs"; }

  // A full disk reports no free space, so RocksDB's own recovery (its
  // SstFileManager polls free space) waits for space as it would for real.
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free, rocksdb::IODebugContext* dbg) override {
    if (state_.mode.load() == Mode::kNoSpace) {
      *free = 0;
      return rocksdb::IOStatus::OK();
    }
    return target()->GetFreeSpace(path, options, free, dbg);
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->NewWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->ReopenWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->ReuseWritableFile(name, old_name, options, result, dbg), result);
  }

 private:
  rocksdb::IOStatus Wrap(rocksdb::IOStatus opened,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (!opened.ok()) return opened;
    rocksdb::IOStatus injected = state_.Check(false);
    if (!injected.ok()) {
      result->reset();
      return injected;
    }
    *result = std::make_unique<FaultyWritableFile>(std::move(*result), state_);
    return opened;
  }

  State& state_;
};

}  // namespace

struct FaultInjectionFs::Impl {
  State state;
  std::shared_ptr<rocksdb::FileSystem> fs = std::make_shared<FaultyFileSystem>(state);
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
};

FaultInjectionFs::FaultInjectionFs() : impl_(std::make_unique<Impl>()) {}
FaultInjectionFs::~FaultInjectionFs() = default;

void FaultInjectionFs::Fail(Mode mode) { impl_->state.mode.store(mode); }
int64_t FaultInjectionFs::failures() const { return impl_->state.failures.load(); }
rocksdb::Env* FaultInjectionFs::env() const { return impl_->env.get(); }

}  // namespace lineage
