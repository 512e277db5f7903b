// TokenStore; see app/auth/token_store.h.
#include "app/auth/token_store.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/log.h"

namespace citynexus::app {
namespace {

constexpr const char* kFormat = "citynexus-tokens/1";
constexpr size_t kSecretBytes = 32;  // 256 bits
constexpr size_t kMaxNameBytes = 128;
constexpr size_t kMaxFileBytes = 16u << 20;

std::string Hex(const unsigned char* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::string Base64Url(const unsigned char* data, size_t n) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 63];
  return out;
}

Result<std::string> RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()),
                 static_cast<int>(n)) != 1) {
    return Status::IOError("the OS random generator failed (RAND_bytes)");
  }
  return bytes;
}

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

nlohmann::json ToJson(const TokenInfo& t) {
  nlohmann::json scopes = nlohmann::json::array();
  for (const auto& s : t.scopes) scopes.push_back(s.ToString());
  nlohmann::json j = {{"id", t.id},
                      {"name", t.name},
                      {"sha256", t.sha256_hex},
                      {"scopes", std::move(scopes)},
                      {"created", t.created_s}};
  j["expires"] = t.expires_s ? nlohmann::json(*t.expires_s) : nlohmann::json();
  j["last_used"] =
      t.last_used_s ? nlohmann::json(*t.last_used_s) : nlohmann::json();
  return j;
}

Result<std::vector<TokenInfo>> ParseTokens(const std::string& text,
                                           const std::string& path) {
  std::vector<TokenInfo> out;
  try {
    const auto doc = nlohmann::json::parse(text);
    if (!doc.is_object() || doc.value("format", "") != kFormat ||
        !doc.contains("tokens") || !doc["tokens"].is_array()) {
      return Status::Corruption(path + ": not a " + std::string(kFormat) +
                                " document");
    }
    for (const auto& j : doc["tokens"]) {
      TokenInfo t;
      t.id = j.at("id").get<std::string>();
      t.name = j.at("name").get<std::string>();
      t.sha256_hex = j.at("sha256").get<std::string>();
      t.created_s = j.at("created").get<int64_t>();
      if (j.contains("expires") && !j["expires"].is_null()) {
        t.expires_s = j["expires"].get<int64_t>();
      }
      if (j.contains("last_used") && !j["last_used"].is_null()) {
        t.last_used_s = j["last_used"].get<int64_t>();
      }
      for (const auto& s : j.at("scopes")) {
        auto scope = net::Scope::Parse(s.get<std::string>());
        if (!scope) {
          return Status::Corruption(path + ": token " + t.id + ": " +
                                    scope.error().message());
        }
        t.scopes.push_back(std::move(*scope));
      }
      if (t.sha256_hex.size() != 64) {
        return Status::Corruption(path + ": token " + t.id +
                                  ": sha256 is not 64 hex digits");
      }
      out.push_back(std::move(t));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path + ": " + e.what());
  }
  return out;
}

// Reads `path`; an absent file is an empty list.
Result<std::vector<TokenInfo>> ReadTokens(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::vector<TokenInfo>();
    return Errno("opening " + path);
  }
  std::string text;
  char buf[8192];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("reading " + path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxFileBytes) {
      ::close(fd);
      return Status::Corruption(path + ": larger than 16 MiB");
    }
  }
  ::close(fd);
  return ParseTokens(text, path);
}

// Atomic replace: temp file (0600) + fsync + rename + directory fsync.
Status WriteTokens(const std::string& dir, const std::string& path,
                   const std::vector<TokenInfo>& tokens) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& t : tokens) list.push_back(ToJson(t));
  const std::string text =
      nlohmann::json{{"format", kFormat}, {"tokens", std::move(list)}}.dump(1) +
      "\n";
  const std::string tmp = path + ".tmp";
  const int fd =
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("creating " + tmp);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Errno("writing " + tmp);
      ::close(fd);
      return s;
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
    Status s = Errno("syncing " + tmp);
    ::close(fd);
    return s;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Errno("renaming " + tmp + " to " + path);
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

// An exclusive flock on the lock file for the lifetime of the object.
class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) {
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace

std::string Sha256Hex(std::string_view data) {
  // Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up in its
  // provider tables on every digest, which cost more than hashing a token
  // (every authenticated request hashes one). Fetched digests are immutable
  // and safe to share between threads; never freed (process lifetime).
  static const EVP_MD* const kSha256 = [] {
    const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md != nullptr ? md : EVP_sha256();
  }();
  // One context per thread, reused: a new context per digest was a third
  // of the cost. Freed when the thread exits.
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(
      EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (context == nullptr ||
      EVP_DigestInit_ex2(context.get(), kSha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return std::string();
  }
  return Hex(digest, length);
}

bool LooksLikeTokenSecret(std::string_view text) {
  return text.size() == 4 + 43 && text.starts_with("cnx_");
}

TokenStore::TokenStore(std::string data_dir)
    : data_dir_(std::move(data_dir)),
      path_(data_dir_ + "/tokens.json"),
      lock_path_(data_dir_ + "/tokens.lock") {}

TokenStore::~TokenStore() = default;

Status TokenStore::RefreshLocked() {
  struct stat st {};
  FileId id;
  if (::stat(path_.c_str(), &st) == 0) {
    id.exists = true;
    id.inode = st.st_ino;
    id.size = static_cast<uint64_t>(st.st_size);
    id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                  st.st_mtim.tv_nsec;
  } else if (errno != ENOENT) {
    return Errno("stat " + path_);
  }
  if (loaded_once_ && id == loaded_) return Status::Ok();
  auto tokens = ReadTokens(path_);
  if (!tokens) return tokens.error();
  tokens_ = std::move(*tokens);
  loaded_ = id;
  loaded_once_ = true;
  return Status::Ok();
}

Status TokenStore::ModifyLocked(
    const std::function<Status(std::vector<TokenInfo>&)>& change) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir_, ec);
  if (ec) {
    return Status::IOError("creating " + data_dir_ + ": " + ec.message());
  }
  FileLock lock(lock_path_);
  if (!lock.ok()) return Errno("locking " + lock_path_);
  auto tokens = ReadTokens(path_);  // the truth, under the lock
  if (!tokens) return tokens.error();
  for (auto& t : *tokens) {
    auto it = used_.find(t.id);
    if (it != used_.end() && (!t.last_used_s || *t.last_used_s < it->second)) {
      t.last_used_s = it->second;
    }
  }
  CITYNEXUS_RETURN_IF_ERROR(change(*tokens));
  CITYNEXUS_RETURN_IF_ERROR(WriteTokens(data_dir_, path_, *tokens));
  used_.clear();
  last_flush_ = std::chrono::steady_clock::now();
  loaded_once_ = false;  // re-stat and re-read on next use
  return RefreshLocked();
}

Result<CreatedToken> TokenStore::Create(std::string name,
                                        std::vector<net::Scope> scopes,
                                        std::optional<int64_t> expires_s) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status::InvalidArgument("token name must be 1 to 128 bytes");
  }
  if (scopes.empty()) {
    return Status::InvalidArgument(
        "a token needs at least one scope (read:<glob>, write:<glob>, admin)");
  }
  auto secret_bytes = RandomBytes(kSecretBytes);
  if (!secret_bytes) return secret_bytes.error();
  auto id_bytes = RandomBytes(8);
  if (!id_bytes) return id_bytes.error();
  CreatedToken created;
  created.secret =
      "cnx_" +
      Base64Url(reinterpret_cast<const unsigned char*>(secret_bytes->data()),
                secret_bytes->size());
  created.info.id =
      Hex(reinterpret_cast<const unsigned char*>(id_bytes->data()),
          id_bytes->size());
  created.info.name = std::move(name);
  created.info.scopes = std::move(scopes);
  created.info.created_s = UnixNowSeconds();
  created.info.expires_s = expires_s;
  created.info.sha256_hex = Sha256Hex(created.secret);
  if (created.info.sha256_hex.empty()) {
    return Status::IOError("SHA-256 failed");
  }
  MutexLock lock(&mu_);
  CITYNEXUS_RETURN_IF_ERROR(ModifyLocked([&](std::vector<TokenInfo>& tokens) {
    tokens.push_back(created.info);
    return Status::Ok();
  }));
  return created;
}

Result<std::vector<TokenInfo>> TokenStore::List() {
  MutexLock lock(&mu_);
  CITYNEXUS_RETURN_IF_ERROR(RefreshLocked());
  std::vector<TokenInfo> out = tokens_;
  for (auto& t : out) {
    auto it = used_.find(t.id);
    if (it != used_.end() && (!t.last_used_s || *t.last_used_s < it->second)) {
      t.last_used_s = it->second;
    }
  }
  return out;
}

Status TokenStore::Revoke(std::string_view id) {
  MutexLock lock(&mu_);
  return ModifyLocked([&](std::vector<TokenInfo>& tokens) {
    for (auto it = tokens.begin(); it != tokens.end(); ++it) {
      if (it->id == id) {
        tokens.erase(it);
        return Status::Ok();
      }
    }
    return Status::NotFound("no token with id \"" + std::string(id) + "\"");
  });
}

Result<TokenInfo> TokenStore::Verify(std::string_view secret) {
  const std::string hash = Sha256Hex(secret);
  MutexLock lock(&mu_);
  if (Status s = RefreshLocked(); !s.ok()) {
    // Keep serving with the tokens last read; a broken file is logged, but
    // not on every request (each one re-checks the file).
    const auto now = std::chrono::steady_clock::now();
    const std::string error = s.ToString();
    if (error != broken_file_error_ ||
        now - broken_file_logged_ >= kBrokenFileLogInterval) {
      CN_LOG(kWarn, "auth")
          << "token file unreadable, using the last good copy: " << error
          << (broken_file_suppressed_ > 0
                  ? " (" + std::to_string(broken_file_suppressed_) +
                        " repeats not logged)"
                  : std::string());
      broken_file_error_ = error;
      broken_file_logged_ = now;
      broken_file_suppressed_ = 0;
    } else {
      ++broken_file_suppressed_;
    }
  } else if (!broken_file_error_.empty()) {
    CN_LOG(kInfo, "auth") << "token file readable again";
    broken_file_error_.clear();
    broken_file_suppressed_ = 0;
  }
  const TokenInfo* match = nullptr;
  for (const TokenInfo& t : tokens_) {
    // Every hash is compared (no early exit) in constant time.
    if (t.sha256_hex.size() == hash.size() &&
        CRYPTO_memcmp(t.sha256_hex.data(), hash.data(), hash.size()) == 0) {
      match = &t;
    }
  }
  const int64_t now = UnixNowSeconds();
  if (match == nullptr) return Status::Unauthenticated("invalid token");
  if (match->Expired(now)) {
    return Status::Unauthenticated("token \"" + match->name + "\" expired");
  }
  TokenInfo info = *match;
  used_[info.id] = now;
  if (std::chrono::steady_clock::now() - last_flush_ >=
      kLastUsedFlushInterval) {
    if (Status s =
            ModifyLocked([](std::vector<TokenInfo>&) { return Status::Ok(); });
        !s.ok()) {
      CN_LOG(kWarn, "auth")
          << "persisting token last-used times: " << s.ToString();
      last_flush_ = std::chrono::steady_clock::now();  // retry later
    }
  }
  return info;
}

Result<bool> TokenStore::HasAdmin() {
  auto tokens = List();
  if (!tokens) return tokens.error();
  const int64_t now = UnixNowSeconds();
  for (const auto& t : *tokens) {
    if (t.Expired(now)) continue;
    for (const auto& s : t.scopes) {
      if (s.kind == net::Scope::Kind::kAdmin) return true;
    }
  }
  return false;
}

Status TokenStore::FlushLastUsed() {
  MutexLock lock(&mu_);
  if (used_.empty()) return Status::Ok();
  return ModifyLocked([](std::vector<TokenInfo>&) { return Status::Ok(); });
}

}  // namespace citynexus::app
