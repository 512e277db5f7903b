#include "engine/storage_health.h"

#include "common/log.h"

namespace citynexus::engine {
namespace {

bool IsNoSpace(const rocksdb::Status& s) {
  return s.IsNoSpace() || s.subcode() == rocksdb::Status::kNoSpace ||
         s.ToString().find("No space left on device") != std::string::npos;
}

}  // namespace

Status StorageHealth::Check() const {
  if (!degraded()) return Status::Ok();
  MutexLock lock(&mu_);
  return Status::Unavailable("storage degraded: " + cause_ +
                             "; writes are refused until space is freed, "
                             "reads keep working");
}

void StorageHealth::SetDegraded(const std::string& cause) {
  {
    MutexLock lock(&mu_);
    cause_ = cause;
  }
  if (!degraded_.exchange(true, std::memory_order_acq_rel)) {
    CN_LOG(kError, "store") << "storage degraded, refusing writes: " << cause;
  }
}

void StorageHealth::SetHealthy() {
  if (degraded_.exchange(false, std::memory_order_acq_rel)) {
    CN_LOG(kInfo, "store") << "storage recovered; accepting writes again";
  }
}

Status StorageHealth::OnWriteError(const rocksdb::Status& s,
                                   const std::string& what) {
  if (IsNoSpace(s)) {
    SetDegraded("disk full (" + s.ToString() + ")");
    return Status::Unavailable(
        "storage degraded: disk full while " + what +
        "; nothing was written, retry when space is freed");
  }
  // A DB already stopped by a background error answers every write with
  // that error: it is the same condition.
  if (degraded()) return Check();
  return Status::IOError(what + ": " + s.ToString());
}

Status StorageHealth::TryRecover(rocksdb::DB* db) {
  if (!degraded()) return Status::Ok();
  {
    MutexLock lock(&mu_);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_attempt_ < kRecoverInterval) {
      return Status::Unavailable("storage degraded: " + cause_ +
                                 "; writes are refused until space is "
                                 "freed, reads keep working");
    }
    last_attempt_ = now;
  }
  const rocksdb::Status s = db->Resume();
  if (s.ok()) {
    SetHealthy();
    return Status::Ok();
  }
  if (IsNoSpace(s)) SetDegraded("disk full (" + s.ToString() + ")");
  return Check();
}

void StorageHealth::OnBackgroundError(rocksdb::BackgroundErrorReason,
                                      rocksdb::Status* bg_error) {
  if (bg_error == nullptr || bg_error->ok()) return;
  if (IsNoSpace(*bg_error)) {
    SetDegraded("disk full (" + bg_error->ToString() + ")");
  } else if (bg_error->severity() >= rocksdb::Status::Severity::kHardError) {
    SetDegraded("background error (" + bg_error->ToString() + ")");
  }
}

void StorageHealth::OnErrorRecoveryEnd(
    const rocksdb::BackgroundErrorRecoveryInfo& info) {
  if (info.new_bg_error.ok()) SetHealthy();
}

}  // namespace citynexus::engine
