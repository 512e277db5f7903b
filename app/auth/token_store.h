// API tokens of one data dir (issue #10): create, list, revoke, verify.
//
// A token is a random secret of 256 bits from the OS (OpenSSL RAND_bytes),
// written as "cnx_" + 43 base64url characters, shown once when created. Only
// its SHA-256 is stored (a random 256-bit secret needs no slow hash);
// verification hashes the presented secret and compares it with every stored
// hash with CRYPTO_memcmp (constant time, no early exit).
//
// Storage: <data_dir>/tokens.json, mode 0600, one JSON document
//   {"format":"citynexus-tokens/1","tokens":[{"id","name","sha256",
//    "scopes":["read:*"],"created":<unix s>,"expires":<unix s>|null,
//    "last_used":<unix s>|null}]}
// Why a file and not the RocksDB store: `citynexus token create --data-dir D`
// must work while `serve` holds the store's lock, and the running server must
// see the change. Every change is a read-modify-write under an exclusive
// flock on <data_dir>/tokens.lock, written atomically (temp file, fsync,
// rename, fsync of the directory). Readers never lock: rename is atomic. A
// running server stats the file before each verification and re-reads it
// when its inode, size or mtime changed, so created and revoked tokens take
// effect on the next request. Revoking deletes the entry.
//
// Last-used times are kept in memory and persisted lazily: at most once per
// `kLastUsedFlushInterval` by a verification that finds them dirty, and by
// FlushLastUsed() (serve calls it at shutdown). They are merged into the
// file under the lock, so a concurrent offline create/revoke is never lost.
//
// Thread-safety: all methods are safe to call concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "net/access.h"

namespace citynexus::app {

struct TokenInfo {
  std::string id;    // 16 hex characters; public (logs, revoke)
  std::string name;  // a label chosen by the creator
  std::vector<net::Scope> scopes;
  int64_t created_s = 0;               // unix seconds
  std::optional<int64_t> expires_s;    // unix seconds; none = never
  std::optional<int64_t> last_used_s;  // unix seconds; none = never used
  std::string sha256_hex;              // hash of the secret (never the secret)

  bool Expired(int64_t now_s) const { return expires_s && now_s >= *expires_s; }
};

struct CreatedToken {
  TokenInfo info;
  std::string secret;  // shown once; not stored
};

class TokenStore {
 public:
  static constexpr std::chrono::seconds kLastUsedFlushInterval{60};
  static constexpr std::chrono::seconds kBrokenFileLogInterval{60};

  // The tokens of `data_dir` (created on the first change if missing; the
  // directory is created too). Nothing is read until the first call.
  explicit TokenStore(std::string data_dir);
  ~TokenStore();
  TokenStore(const TokenStore&) = delete;
  TokenStore& operator=(const TokenStore&) = delete;

  const std::string& path() const { return path_; }

  // A new token. kInvalidArgument for an empty or overlong name (> 128
  // bytes) or no scopes.
  Result<CreatedToken> Create(std::string name, std::vector<net::Scope> scopes,
                              std::optional<int64_t> expires_s);
  // Every token (expired ones too), oldest first; never secrets.
  Result<std::vector<TokenInfo>> List();
  // Deletes token `id`; kNotFound when there is none.
  Status Revoke(std::string_view id);
  // The token whose secret this is; kUnauthenticated when none matches or
  // it has expired (the message never contains the secret). Records the
  // use in memory.
  Result<TokenInfo> Verify(std::string_view secret);
  // True when an unexpired token with the admin scope exists.
  Result<bool> HasAdmin();
  // Writes in-memory last-used times to the file if any changed.
  Status FlushLastUsed();

 private:
  // Re-reads the file when it changed since the last read. Caller holds mu_.
  Status RefreshLocked() REQUIRES(mu_);
  // Runs `change` on the current file content under the file lock and
  // writes the result atomically. Caller holds mu_.
  Status ModifyLocked(
      const std::function<Status(std::vector<TokenInfo>&)>& change)
      REQUIRES(mu_);

  const std::string data_dir_;
  const std::string path_;
  const std::string lock_path_;
  Mutex mu_;
  std::vector<TokenInfo> tokens_ GUARDED_BY(mu_);  // as last read
  struct FileId {
    uint64_t inode = 0, size = 0;
    int64_t mtime_ns = -1;
    bool exists = false;
    friend bool operator==(const FileId&, const FileId&) = default;
  };
  FileId loaded_ GUARDED_BY(mu_);
  bool loaded_once_ GUARDED_BY(mu_) = false;
  // id -> last use, not yet written.
  std::map<std::string, int64_t> used_ GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point last_flush_ GUARDED_BY(mu_);
  // "token file unreadable" is logged once per kBrokenFileLogInterval while
  // the same problem lasts (every request re-checks the file), again at
  // once when the problem changes, and "readable again" when it ends.
  std::string broken_file_error_ GUARDED_BY(mu_);  // "" : file was fine
  std::chrono::steady_clock::time_point broken_file_logged_ GUARDED_BY(mu_);
  int64_t broken_file_suppressed_ GUARDED_BY(mu_) = 0;
};

// "cnx_" secrets: true when `text` looks like one (for log scrubbing tests).
bool LooksLikeTokenSecret(std::string_view text);

// Lower-case hex SHA-256 of `data` (OpenSSL EVP).
std::string Sha256Hex(std::string_view data);

}  // namespace citynexus::app
