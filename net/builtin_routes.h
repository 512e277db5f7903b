// The routes every citynexus server answers itself: GET /healthz,
// GET /api/v1/version and GET /metrics.
//
// Thread-safety: the handlers read the context's health checks under its
// lock and the (thread-safe) metrics registry.
#pragma once

#include "net/server_context.h"

namespace citynexus::net {

// Adds the built-in routes to ctx->builtin_router. The handlers keep a raw
// pointer to `ctx`, which owns the router and so outlives them.
void AddBuiltinRoutes(ServerContext* ctx);

// Runs the health checks: 200 {"status":"ok","checks":{"name":{"status":
// "ok"}}}, or 503 with "status":"fail" and the failing checks' code and
// message. A check that throws counts as failed.
Response HealthResponse(
    const std::vector<std::pair<std::string, std::function<Status()>>>& checks);

}  // namespace citynexus::net
