// StorageHealth: whether the RocksDB store can take writes, and getting it
// back to writable without a restart after the disk filled up.
//
// RocksDB turns read-only after ENOSPC during a WAL write or a flush (a hard
// background error) until DB::Resume(); ENOSPC in compaction is soft. This
// class is the store's EventListener (OnBackgroundError /
// OnErrorRecoveryEnd) and also hears write errors from the write path. While
// degraded, writes fail fast with kUnavailable ("storage degraded: disk
// full ...") instead of waiting on a stuck DB, reads keep working, and
// TryRecover() calls DB::Resume() at most once per kRecoverInterval, so
// writes resume shortly after space is freed.
//
// Thread-safety: safe for concurrent use (RocksDB calls the listener from
// its background threads; writers call the rest).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/listener.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "common/mutex.h"
#include "common/status.h"

namespace citynexus::engine {

class StorageHealth : public rocksdb::EventListener {
 public:
  // How often a writer may try DB::Resume() while degraded.
  static constexpr std::chrono::milliseconds kRecoverInterval{1000};

  // OK, or kUnavailable naming the cause while degraded.
  Status Check() const;
  bool degraded() const { return degraded_.load(std::memory_order_acquire); }

  // A write failed with `s`: when it is an out-of-space (or other hard I/O)
  // error, marks the store degraded. Returns the Status for the caller:
  // kUnavailable (retry later, nothing written) for a full disk, kIOError
  // otherwise. `what` says what was being written.
  Status OnWriteError(const rocksdb::Status& s, const std::string& what);

  // While degraded, at most once per kRecoverInterval: DB::Resume(); OK
  // (and no longer degraded) when it succeeds. Returns Check() otherwise.
  Status TryRecover(rocksdb::DB* db);

  // ---- rocksdb::EventListener (RocksDB background threads) ----
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                         rocksdb::Status* bg_error) override;
  void OnErrorRecoveryEnd(
      const rocksdb::BackgroundErrorRecoveryInfo& info) override;

 private:
  void SetDegraded(const std::string& cause);
  void SetHealthy();

  std::atomic<bool> degraded_{false};
  mutable Mutex mu_;
  std::string cause_ GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point last_attempt_ GUARDED_BY(mu_) = {};
};

}  // namespace citynexus::engine
