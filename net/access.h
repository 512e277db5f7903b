// Access: who is calling and what they may do. The one type every route
// consults before it reads, writes or administers anything (issue #10).
//
// The HTTP server authenticates each request (net/auth: credentials ->
// token -> Access) and puts the result in Request::access; handlers and the
// layers they call ask it CanRead / CanWrite / IsAdmin with the measurement
// names they are about to touch, and answer DenyStatus() when it says no.
//
// Scopes (the permissions of a token):
//   read:<glob>   read measurements whose name matches the glob
//   write:<glob>  write measurements whose name matches the glob
//   admin         everything, including tokens, dead letters and backups
// A glob is a measurement name where '*' matches any run of characters
// (also none) and '?' one character: "traffic_*", "*". No other syntax.
//
// Anonymous callers (no credentials) may read only the measurements named by
// auth.anonymous_read; every caller may also read what is anonymous-readable.
//
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/glob.h"
#include "common/status.h"

namespace citynexus::net {

struct Scope {
  enum class Kind { kRead, kWrite, kAdmin };
  Kind kind = Kind::kRead;
  std::string glob;  // empty for kAdmin

  // Parses "read:<glob>", "write:<glob>" or "admin". kInvalidArgument naming
  // the text and the accepted forms otherwise (an empty glob is an error).
  static Result<Scope> Parse(std::string_view text);
  // The text Parse() accepts: "read:traffic_*".
  std::string ToString() const;

  friend bool operator==(const Scope&, const Scope&) = default;
};

class Access {
 public:
  // A caller without credentials: may read `anonymous_read_globs` only.
  static std::shared_ptr<const Access> Anonymous(
      std::vector<std::string> anonymous_read_globs);
  // A caller holding token `token_id` (named `token_name`) with `scopes`; it
  // may also read whatever anonymous callers may read.
  static std::shared_ptr<const Access> ForToken(
      std::string token_id, std::string token_name, std::vector<Scope> scopes,
      std::vector<std::string> anonymous_read_globs);
  // Everything allowed: for in-process callers that are not clients (the
  // indicator publisher, CLI commands on a data dir) and for tests of
  // handlers that are not about access. Never derived from a request.
  static std::shared_ptr<const Access> Internal();
  // Nothing allowed: what a hand-built Request without `access` gets.
  static const Access& DenyAll();

  bool authenticated() const { return authenticated_; }
  // Token id ("" for anonymous), for logs and audit; never a secret.
  const std::string& token_id() const { return token_id_; }
  const std::string& token_name() const { return token_name_; }
  const std::vector<Scope>& scopes() const { return scopes_; }

  bool IsAdmin() const { return admin_; }
  bool CanRead(std::string_view measurement) const;
  bool CanWrite(std::string_view measurement) const;
  // False when no measurement at all is writable (no write scope, not
  // admin): lets write paths refuse before decoding a body.
  bool CanWriteSomething() const { return admin_ || !write_globs_.empty(); }
  // True when every measurement name is readable (admin or read:*), so a
  // caller may skip per-name filtering.
  bool CanReadEverything() const;
  // Equal for two callers exactly when their read globs are the same (or
  // both read everything): a key for caching what a caller may see.
  std::string ReadKey() const;

  // The Status to answer when this caller lacks a permission: kUnauthenticated
  // (HTTP 401 with WWW-Authenticate) for anonymous callers, kPermissionDenied
  // (403) otherwise. `what` names the missing permission:
  // "write on measurement \"traffic\"", "admin".
  Status DenyStatus(std::string_view what) const;

 private:
  Access() = default;

  bool authenticated_ = false;
  bool admin_ = false;
  std::string token_id_;
  std::string token_name_;
  std::vector<Scope> scopes_;
  std::vector<std::string> read_globs_;  // scopes' and anonymous ones
  std::vector<std::string> write_globs_;
};

}  // namespace citynexus::net
