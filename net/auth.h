// Authentication of HTTP requests: credentials -> Access (net/access.h).
//
// The one place a request's credentials are read. HttpSession calls
// Authenticate() once per request, after routing and before the handler;
// the result lands in Request::access. net/ does not know where tokens live:
// the application hands in a TokenVerifier (secret -> Access, or an error).
//
// Credential forms accepted (what existing clients send):
//   Authorization: Token <secret>        Telegraf v2 output, influx CLI 2
//   Authorization: Token <user>:<secret> InfluxDB 1.x token form
//   Authorization: Bearer <secret>       curl, Grafana, Prometheus
//   Authorization: Basic base64(<any user>:<secret>)
//                                        Telegraf v1, Grafana, influx CLI 1.x
//   ?u=<any user>&p=<secret>             InfluxDB 1.x query parameters
//                                        (off with auth.query_parameters)
// No credentials: the anonymous caller (reads auth.anonymous_read only).
// Credentials that do not verify (wrong, expired, revoked, malformed): 401 on
// every route except the open ones (/healthz, /ping, /api/v1/version, and
// /metrics while metrics are anonymous), which treat the caller as anonymous.
//
// Thread-safety: Authenticator is immutable after construction; call
// Authenticate() from any thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "net/access.h"

namespace citynexus::net {

struct Request;
struct Response;

// Options `auth.*` that net/ applies.
struct AuthOptions {
  // Measurement globs anyone may read without credentials. Default: none.
  std::vector<std::string> anonymous_read;
  // Accept InfluxDB 1.x `u`/`p` query parameters. Default true.
  bool query_parameters = true;
  // GET /metrics needs no credentials. Default true; false: a valid token.
  bool metrics_anonymous = true;
};

// Verifies a presented secret: the caller's Access, or kUnauthenticated
// (unknown, expired or revoked token; the message must not echo the
// secret). Called on I/O threads: keep it quick (a hash and a lookup).
using TokenVerifier = std::function<Result<std::shared_ptr<const Access>>(
    std::string_view secret)>;

// Builds the 401 answer for a request whose credentials failed; lets a route
// family answer in its own error shape (InfluxDB's {"error": "..."} on
// /query and /write). Null: Response::FromStatus.
using AuthFailureFormatter =
    std::function<Response(const Request& request, const Status& status)>;

// The secret a request presents, if any. kUnauthenticated when a credential
// is present but malformed (unknown Authorization scheme, bad base64).
// `query_parameters`: look at ?p= when no Authorization header is present.
Result<std::optional<std::string>> ExtractSecret(const Request& request,
                                                 bool query_parameters);

// `target` with the value of every `p` query parameter replaced by
// "[redacted]", for the access log.
std::string ScrubTargetForLog(std::string_view target);

class Authenticator {
 public:
  // `verify` null: no token verifies (every credential gets 401).
  Authenticator(AuthOptions options, TokenVerifier verify,
                AuthFailureFormatter format_failure = nullptr);

  const AuthOptions& options() const { return options_; }

  // The caller of `request`, or the 401 Response to send instead. `open_route`:
  // the matched route needs no credentials (failed credentials then give the
  // anonymous caller instead of 401).
  Result<std::shared_ptr<const Access>> Authenticate(const Request& request,
                                                     bool open_route) const;
  // The response for a failed Authenticate().
  Response FailureResponse(const Request& request, const Status& status) const;

  // The anonymous caller under these options.
  const std::shared_ptr<const Access>& anonymous() const { return anonymous_; }

 private:
  AuthOptions options_;
  TokenVerifier verify_;
  AuthFailureFormatter format_failure_;
  std::shared_ptr<const Access> anonymous_;
};

// True for the routes that answer every caller, ignoring bad credentials:
// GET /healthz, /ping, /api/v1/version, the dashboard's static files (/ and
// /assets/{name}); GET /metrics unless `metrics_anonymous` is false.
bool IsOpenRoute(std::string_view pattern, bool metrics_anonymous);

}  // namespace citynexus::net
