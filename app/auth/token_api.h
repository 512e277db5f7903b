// Token administration over HTTP (admin scope) and the server's side of
// authentication: the verifier handed to net/, and the first-start admin
// token.
//
//   GET    /api/v1/admin/tokens        {"tokens":[<token>...]} (no secrets)
//   POST   /api/v1/admin/tokens        {"name","scopes":[...],"expires":"90d"}
//                                      -> 201
//                                      {"token":<token>,"secret":"cnx_..."}
//   DELETE /api/v1/admin/tokens/{id}   204; 404 for an unknown id
// <token> = {"id","name","scopes","created","expires","last_used"} with
// RFC 3339 UTC times (null when not set).
//
// Thread-safety: the handlers and the verifier call TokenStore, which is
// thread-safe; the store must outlive the server.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/auth/token_store.h"
#include "net/net.h"

namespace citynexus::app {

void RegisterTokenRoutes(net::Router& router, TokenStore& tokens);

// The JSON of a token (never its secret or hash).
nlohmann::json TokenJson(const TokenInfo& token);

// Parses `--scope`/"scopes" texts; kInvalidArgument naming a bad one.
Result<std::vector<net::Scope>> ParseScopes(
    const std::vector<std::string>& texts);
// "90d" etc. (app/config/values.h) -> absolute unix seconds from now.
Result<std::optional<int64_t>> ExpiryFromDuration(const std::string& text);

// The authenticator `serve` gives its HTTP server: secrets verified by
// `tokens`, anonymous callers reading `options.anonymous_read`, 401s on
// /query in InfluxDB's {"error": "..."} shape.
std::shared_ptr<const net::Authenticator> MakeAuthenticator(
    const net::AuthOptions& options, TokenStore& tokens);

// First start: when no unexpired admin token exists, creates one named
// "admin" and writes its secret to <data_dir>/admin.token (mode 0600,
// atomically), logging the path and never the secret.
Status EnsureAdminToken(TokenStore& tokens, const std::string& data_dir);

}  // namespace citynexus::app
