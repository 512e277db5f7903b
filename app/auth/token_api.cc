// Token routes, verifier and first-start admin token; see token_api.h.
#include "app/auth/token_api.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "app/config/values.h"
#include "common/log.h"

namespace citynexus::app {
namespace {

using nlohmann::json;

json Rfc3339(const std::optional<int64_t>& seconds) {
  if (!seconds) return json();
  const time_t t = static_cast<time_t>(*seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return json(std::string(buf));
}

net::Response RequireAdmin(const net::Request& req) {
  return net::Response::FromStatus(req.Caller().DenyStatus("admin"));
}

net::Response HandleList(TokenStore& tokens, const net::Request& req) {
  if (!req.Caller().IsAdmin()) return RequireAdmin(req);
  auto list = tokens.List();
  if (!list) return net::Response::FromStatus(list.error());
  json out = json::array();
  for (const auto& t : *list) out.push_back(TokenJson(t));
  return net::Response::Json(200, json{{"tokens", out}}.dump());
}

net::Response HandleCreate(TokenStore& tokens, const net::Request& req) {
  if (!req.Caller().IsAdmin()) return RequireAdmin(req);
  json in;
  try {
    in = json::parse(req.body, nullptr, true, false);
  } catch (const json::exception& e) {
    return net::Response::Error(400, "invalid_argument",
                                std::string("body: not JSON: ") + e.what());
  }
  if (!in.is_object() || !in.contains("name") || !in["name"].is_string() ||
      !in.contains("scopes") || !in["scopes"].is_array()) {
    return net::Response::Error(
        400, "invalid_argument",
        "body: expected {\"name\": string, \"scopes\": [string], "
        "\"expires\": \"90d\" (optional)}");
  }
  std::vector<std::string> texts;
  for (const auto& s : in["scopes"]) {
    if (!s.is_string()) {
      return net::Response::Error(400, "invalid_argument",
                                  "scopes: expected strings");
    }
    texts.push_back(s.get<std::string>());
  }
  auto scopes = ParseScopes(texts);
  if (!scopes) return net::Response::FromStatus(scopes.error());
  std::optional<int64_t> expires;
  if (in.contains("expires") && !in["expires"].is_null()) {
    if (!in["expires"].is_string()) {
      return net::Response::Error(
          400, "invalid_argument",
          "expires: expected a duration such as \"90d\"");
    }
    auto e = ExpiryFromDuration(in["expires"].get<std::string>());
    if (!e) return net::Response::FromStatus(e.error());
    expires = *e;
  }
  auto created =
      tokens.Create(in["name"].get<std::string>(), std::move(*scopes), expires);
  if (!created) return net::Response::FromStatus(created.error());
  CN_LOG(kInfo, "auth") << "token " << created->info.id << " (\""
                        << created->info.name << "\") created by token "
                        << req.Caller().token_id();
  return net::Response::Json(201, json{{"token", TokenJson(created->info)},
                                       {"secret", created->secret}}
                                      .dump());
}

net::Response HandleRevoke(TokenStore& tokens, const net::Request& req) {
  if (!req.Caller().IsAdmin()) return RequireAdmin(req);
  const auto it = req.path_params.find("id");
  const std::string id = it == req.path_params.end() ? "" : it->second;
  if (Status s = tokens.Revoke(id); !s.ok()) {
    return net::Response::FromStatus(s);
  }
  CN_LOG(kInfo, "auth") << "token " << id << " revoked by token "
                        << req.Caller().token_id();
  return net::Response::NoContent();
}

}  // namespace

json TokenJson(const TokenInfo& t) {
  json scopes = json::array();
  for (const auto& s : t.scopes) scopes.push_back(s.ToString());
  return {{"id", t.id},
          {"name", t.name},
          {"scopes", scopes},
          {"created", Rfc3339(t.created_s)},
          {"expires", Rfc3339(t.expires_s)},
          {"last_used", Rfc3339(t.last_used_s)}};
}

Result<std::vector<net::Scope>> ParseScopes(
    const std::vector<std::string>& texts) {
  std::vector<net::Scope> out;
  for (const auto& text : texts) {
    auto scope = net::Scope::Parse(text);
    if (!scope) return scope.error();
    out.push_back(std::move(*scope));
  }
  if (out.empty()) {
    return Status::InvalidArgument(
        "at least one scope is needed: read:<glob>, write:<glob> or admin");
  }
  return out;
}

Result<std::optional<int64_t>> ExpiryFromDuration(const std::string& text) {
  const auto d = ParseDuration(text);
  if (!d || d->count() <= 0) {
    return Status::InvalidArgument("expires: \"" + text +
                                   "\" is not a positive duration such as "
                                   "\"90d\", \"12h\", \"2w\"");
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  return std::optional<int64_t>(now + d->count());
}

void RegisterTokenRoutes(net::Router& router, TokenStore& tokens) {
  router.Add("GET", "/api/v1/admin/tokens", [&tokens](const net::Request& r) {
    return HandleList(tokens, r);
  });
  router.Add("POST", "/api/v1/admin/tokens", [&tokens](const net::Request& r) {
    return HandleCreate(tokens, r);
  });
  router.Add(
      "DELETE", "/api/v1/admin/tokens/{id}",
      [&tokens](const net::Request& r) { return HandleRevoke(tokens, r); });
}

std::shared_ptr<const net::Authenticator> MakeAuthenticator(
    const net::AuthOptions& options, TokenStore& tokens) {
  const std::vector<std::string> anonymous = options.anonymous_read;
  net::TokenVerifier verify = [&tokens, anonymous](std::string_view secret)
      -> Result<std::shared_ptr<const net::Access>> {
    auto token = tokens.Verify(secret);
    if (!token) return token.error();
    return net::Access::ForToken(token->id, token->name, token->scopes,
                                 anonymous);
  };
  net::AuthFailureFormatter format = [](const net::Request& request,
                                        const Status& status) {
    net::Response r = net::Response::FromStatus(status);
    if (request.path == "/query") {  // InfluxDB 1.x clients parse this shape
      r.body = json{{"error", status.message()}}.dump() + "\n";
    }
    return r;
  };
  return std::make_shared<net::Authenticator>(options, std::move(verify),
                                              std::move(format));
}

Status EnsureAdminToken(TokenStore& tokens, const std::string& data_dir) {
  auto has = tokens.HasAdmin();
  if (!has) return has.error();
  if (*has) return Status::Ok();
  auto created = tokens.Create(
      "admin", {net::Scope{net::Scope::Kind::kAdmin, ""}}, std::nullopt);
  if (!created) return created.error();
  const std::string path = data_dir + "/admin.token";
  const std::string tmp = path + ".tmp";
  const int fd =
      ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IOError("creating " + tmp + ": " + std::strerror(errno));
  }
  const std::string text = created->secret + "\n";
  const bool written = ::write(fd, text.data(), text.size()) ==
                           static_cast<ssize_t>(text.size()) &&
                       ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IOError("writing " + path + ": " + std::strerror(errno));
  }
  CN_LOG(kInfo, "auth") << "no admin token existed: created token "
                        << created->info.id << " (\"admin\"); its secret is in "
                        << path << " (mode 0600)";
  return Status::Ok();
}

}  // namespace citynexus::app
