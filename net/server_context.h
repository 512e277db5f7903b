// State shared between HttpServer and its sessions: options, routers, metric
// handles, the registry of live sessions (so Stop() can reach them) and the
// gate that stops late Responders from touching a stopped server.
//
// Sessions hold a shared_ptr to the context, so it outlives every session
// even when a session is the last thing to go. The context never holds a
// session strongly.
//
// Thread-safety: immutable fields are set before Start(); the fields under
// `mu` are guarded by it; metric handles are thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "net/auth.h"
#include "net/net.h"

namespace citynexus::net {

class HttpSession;

// Closed by Stop() after the I/O threads can no longer run handlers; a
// Responder checks it (under `mu`) before posting onto a session's strand, so
// nothing is ever posted to an io_context that is being torn down.
struct ResponseGate {
  Mutex mu;
  bool open GUARDED_BY(mu) = true;
};

struct ServerContext {
  ServerOptions options;
  const Router* user_router = nullptr;  // outlives the server (contract)
  Router builtin_router;                // /healthz, /metrics, /api/v1/version
  MetricsRegistry* metrics = nullptr;   // outlives the server (contract)
  Counter* connections_active = nullptr;
  Counter* connections_rejected = nullptr;  // over max_connections
  Counter* head_timeouts = nullptr;         // request heads not done in time
  // Open connections (sessions alive); the acceptor compares it with
  // options.max_connections.
  std::atomic<int64_t> open_connections{0};
  std::string server_header;  // "citynexus/<version>"
  // Turns credentials into Request::access; never null. Set before Start().
  // Default: no token verifies, anonymous callers read nothing.
  std::shared_ptr<const Authenticator> authenticator =
      std::make_shared<Authenticator>(AuthOptions{}, nullptr);
  std::shared_ptr<ResponseGate> gate = std::make_shared<ResponseGate>();

  // TLS: the context new connections use (null: plain HTTP). Replaced as a
  // whole by a certificate reload; a connection keeps the one it started
  // with. Any thread.
  std::shared_ptr<boost::asio::ssl::context> CurrentTls() {
    MutexLock lock(&tls_mu);
    return tls;
  }
  Mutex tls_mu;
  std::shared_ptr<boost::asio::ssl::context> tls GUARDED_BY(tls_mu);

  // Health checks for /healthz, in registration order.
  Mutex health_mu;
  std::vector<std::pair<std::string, std::function<Status()>>> health_checks
      GUARDED_BY(health_mu);

  Mutex mu;
  CondVar cv;  // signalled when in_flight drops
  bool stopping GUARDED_BY(mu) = false;
  uint64_t next_session_id GUARDED_BY(mu) = 0;
  int in_flight GUARDED_BY(mu) = 0;  // requests read but not yet answered
  std::unordered_map<uint64_t, std::weak_ptr<HttpSession>> sessions
      GUARDED_BY(mu);

  // Registers a new session; false once Stop() has begun (the caller then
  // closes the connection).
  bool Register(const std::shared_ptr<HttpSession>& session, uint64_t* id)
      EXCLUDES(mu);
  void Unregister(uint64_t id) EXCLUDES(mu);
  void BeginRequest() EXCLUDES(mu);
  void EndRequest() EXCLUDES(mu);
  // Live sessions, snapshot under `mu`.
  std::vector<std::shared_ptr<HttpSession>> Sessions() EXCLUDES(mu);

  // Finds the route for a request: built-in routes first, then the user's.
  // HEAD falls back to the GET route (`*head_as_get` set). Without a match,
  // allowed_methods lists the other methods of the path, sorted, with HEAD
  // added where GET is allowed (empty: 404).
  Router::Match FindRoute(std::string_view method, std::string_view path,
                          bool* head_as_get) const;

  // Counts one answered request in the request metrics.
  void RecordRequest(const std::string& route, std::string_view method,
                     int status, std::chrono::nanoseconds duration)
      EXCLUDES(request_metrics_mu);

  // The metric handles of (route, method label, status), so that a request
  // does not look its counter and histogram up by name and labels in the
  // registry (a scan of every family and a label sort). Registry handles
  // live as long as the registry. Bounded: routes are patterns, method
  // labels and statuses are bounded sets.
  struct RequestMetrics {
    Counter* requests = nullptr;
    Histogram* duration = nullptr;
  };
  Mutex request_metrics_mu;
  std::unordered_map<std::string, RequestMetrics> request_metrics
      GUARDED_BY(request_metrics_mu);
};

// Bounded label value for a request method, so junk methods cannot create
// unbounded metric series: known methods as-is, anything else "OTHER".
std::string_view MethodLabel(std::string_view method);

}  // namespace citynexus::net
