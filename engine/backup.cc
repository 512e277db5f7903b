// Backups: RocksStore::Backup (a RocksDB checkpoint after sealing the head)
// and RestoreBackup (a file copy into an empty data dir).
#include <rocksdb/utilities/checkpoint.h>

#include <filesystem>

#include "engine/rocks_store.h"

namespace citynexus::engine {

Status RocksStore::Backup(const std::string& dir) {
  CITYNEXUS_RETURN_IF_ERROR(CheckWritable());
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    return Status::InvalidArgument("backup dir " + dir + " already exists");
  }
  // Sealing first keeps the checkpoint small; it is consistent either way
  // because the checkpoint includes the log column family and the WAL.
  CITYNEXUS_RETURN_IF_ERROR(Flush());
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (!s.ok()) return Status::IOError("backup: " + s.ToString());
  s = checkpoint->CreateCheckpoint(dir);
  if (!s.ok()) return Status::IOError("backup to " + dir + ": " + s.ToString());
  return Status::Ok();
}

Status RestoreBackup(const std::string& backup_dir,
                     const std::string& data_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(backup_dir, ec) ||
      !fs::exists(fs::path(backup_dir) / "CURRENT", ec)) {
    return Status::InvalidArgument(backup_dir +
                                   " is not a citynexus backup (no CURRENT)");
  }
  if (fs::exists(data_dir, ec)) {
    if (!fs::is_directory(data_dir, ec) || !fs::is_empty(data_dir, ec)) {
      return Status::InvalidArgument("restore target " + data_dir +
                                     " must be empty or absent");
    }
  }
  fs::create_directories(data_dir, ec);
  if (ec) {
    return Status::IOError("creating " + data_dir + ": " + ec.message());
  }
  fs::copy(backup_dir, data_dir, fs::copy_options::recursive, ec);
  if (ec) {
    return Status::IOError("copying " + backup_dir + " to " + data_dir + ": " +
                           ec.message());
  }
  return Status::Ok();
}

}  // namespace citynexus::engine
