#include "net/access.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/glob.h"

namespace citynexus::net {

Result<Scope> Scope::Parse(std::string_view text) {
  Scope scope;
  if (text == "admin") {
    scope.kind = Kind::kAdmin;
    return scope;
  }
  std::string_view glob;
  if (text.starts_with("read:")) {
    scope.kind = Kind::kRead;
    glob = text.substr(5);
  } else if (text.starts_with("write:")) {
    scope.kind = Kind::kWrite;
    glob = text.substr(6);
  } else {
    return Status::InvalidArgument(
        "scope \"" + std::string(text) +
        "\": expected \"read:<glob>\", \"write:<glob>\" or \"admin\"");
  }
  if (glob.empty()) {
    return Status::InvalidArgument("scope \"" + std::string(text) +
                                   "\": the measurement glob is empty (use "
                                   "\"*\" for every measurement)");
  }
  scope.glob = std::string(glob);
  return scope;
}

std::string Scope::ToString() const {
  switch (kind) {
    case Kind::kAdmin:
      return "admin";
    case Kind::kRead:
      return "read:" + glob;
    case Kind::kWrite:
      return "write:" + glob;
  }
  return "admin";
}

std::shared_ptr<const Access> Access::Anonymous(
    std::vector<std::string> anonymous_read_globs) {
  std::shared_ptr<Access> access(new Access());
  access->read_globs_ = std::move(anonymous_read_globs);
  return access;
}

std::shared_ptr<const Access> Access::ForToken(
    std::string token_id, std::string token_name, std::vector<Scope> scopes,
    std::vector<std::string> anonymous_read_globs) {
  std::shared_ptr<Access> access(new Access());
  access->authenticated_ = true;
  access->token_id_ = std::move(token_id);
  access->token_name_ = std::move(token_name);
  access->read_globs_ = std::move(anonymous_read_globs);
  for (const Scope& scope : scopes) {
    switch (scope.kind) {
      case Scope::Kind::kAdmin:
        access->admin_ = true;
        break;
      case Scope::Kind::kRead:
        access->read_globs_.push_back(scope.glob);
        break;
      case Scope::Kind::kWrite:
        access->write_globs_.push_back(scope.glob);
        break;
    }
  }
  access->scopes_ = std::move(scopes);
  return access;
}

std::shared_ptr<const Access> Access::Internal() {
  static const std::shared_ptr<const Access> internal = [] {
    std::shared_ptr<Access> access(new Access());
    access->authenticated_ = true;
    access->admin_ = true;
    access->token_name_ = "internal";
    return access;
  }();
  return internal;
}

const Access& Access::DenyAll() {
  static const Access deny_all;
  return deny_all;
}

static bool AnyMatch(const std::vector<std::string>& globs,
                     std::string_view name) {
  for (const std::string& glob : globs) {
    if (GlobMatch(glob, name)) return true;
  }
  return false;
}

bool Access::CanRead(std::string_view measurement) const {
  return admin_ || AnyMatch(read_globs_, measurement);
}

bool Access::CanWrite(std::string_view measurement) const {
  return admin_ || AnyMatch(write_globs_, measurement);
}

bool Access::CanReadEverything() const {
  if (admin_) return true;
  for (const std::string& glob : read_globs_) {
    if (glob.find_first_not_of('*') == std::string::npos) return true;
  }
  return false;
}

std::string Access::ReadKey() const {
  if (CanReadEverything()) return "*";
  std::vector<std::string> globs = read_globs_;
  std::sort(globs.begin(), globs.end());
  globs.erase(std::unique(globs.begin(), globs.end()), globs.end());
  // Length-prefixed, so no two different glob lists give the same text.
  std::string key = "globs";
  for (const std::string& glob : globs) {
    key += ' ' + std::to_string(glob.size()) + ':' + glob;
  }
  return key;
}

Status Access::DenyStatus(std::string_view what) const {
  if (!authenticated_) {
    return Status::Unauthenticated(
        "authentication required: " + std::string(what) +
        " needs a token (Authorization: Bearer "
        "<token>)");
  }
  return Status::PermissionDenied("token \"" + token_name_ + "\" lacks " +
                                  std::string(what));
}

}  // namespace citynexus::net
