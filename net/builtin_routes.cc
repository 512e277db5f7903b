// Built-in routes; see builtin_routes.h.
#include "net/builtin_routes.h"

#include <exception>

#include "net/json_text.h"

namespace citynexus::net {

Response HealthResponse(
    const std::vector<std::pair<std::string, std::function<Status()>>>&
        checks) {
  bool all_ok = true;
  std::string body_checks;
  for (const auto& [name, check] : checks) {
    Status s;
    try {
      s = check ? check() : Status::Ok();
    } catch (const std::exception& e) {
      s = Status(StatusCode::kUnavailable,
                 std::string("health check threw: ") + e.what());
    } catch (...) {
      s = Status(StatusCode::kUnavailable, "health check threw");
    }
    if (!body_checks.empty()) {
      body_checks += ',';
    }
    AppendJsonString(body_checks, name);
    if (s.ok()) {
      body_checks += ":{\"status\":\"ok\"}";
      continue;
    }
    all_ok = false;
    body_checks += ":{\"status\":\"fail\",\"code\":";
    AppendJsonString(body_checks, StatusCodeName(s.code()));
    body_checks += ",\"message\":";
    AppendJsonString(body_checks, s.message());
    body_checks += '}';
  }
  std::string body = all_ok ? "{\"status\":\"ok\"" : "{\"status\":\"fail\"";
  body += ",\"checks\":{" + body_checks + "}}";
  Response r = Response::Json(all_ok ? 200 : 503, std::move(body));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

void AddBuiltinRoutes(ServerContext* ctx) {
  ctx->builtin_router.Add("GET", "/healthz", [ctx](const Request&) {
    std::vector<std::pair<std::string, std::function<Status()>>> checks;
    {
      MutexLock lock(&ctx->health_mu);
      checks = ctx->health_checks;
    }
    // Checks run outside the lock: they may be slow-ish (a store ping).
    return HealthResponse(checks);
  });
  ctx->builtin_router.Add("GET", "/api/v1/version", [ctx](const Request&) {
    std::string body = "{\"name\":\"citynexus\",\"version\":";
    AppendJsonString(body, ctx->options.version);
    body += '}';
    return Response::Json(200, std::move(body));
  });
  ctx->builtin_router.Add("GET", "/metrics", [ctx](const Request& request) {
    if (!ctx->authenticator->options().metrics_anonymous &&
        !request.Caller().authenticated()) {
      return Response::FromStatus(request.Caller().DenyStatus(
          "a token for /metrics (auth.metrics_anonymous is false)"));
    }
    return Response::Text(200, ctx->metrics->Render(),
                          "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace citynexus::net
