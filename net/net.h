// citynexus net/: the HTTP server plumbing shared by connectors and query.
//
// Layers hand the server plain handlers (request in, response out); the server
// owns sockets, strands, timeouts, body limits, keep-alive, access logging and
// request metrics. Nothing here knows a payload format or a query.
//
// Thread-safety: Router and MetricsRegistry are filled before Start() and read
// concurrently afterwards (MetricsRegistry metrics are safe to update from any
// thread at any time). HttpServer methods are safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "net/access.h"
#include "net/auth.h"

namespace citynexus::net {

// ---- requests and responses ----

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target: "/api/v1/query?x=1"
  std::string path;  // percent-decoded path without the query: "/api/v1/query"
  // Percent-decoded query parameters in order of appearance ('+' is a space).
  std::vector<std::pair<std::string, std::string>> query;
  // Header names lower-cased.
  std::map<std::string, std::string> headers;
  std::string body;
  // Values captured by `{name}` segments of the matched route pattern.
  std::map<std::string, std::string> path_params;
  std::string remote_address;  // "127.0.0.1:53312"
  // True once the client has closed its connection (a non-blocking peek at
  // the socket), so long handlers can stop work nobody waits for. Call it
  // only while a sync handler runs (on the I/O thread); null in tests that
  // build requests by hand.
  std::function<bool()> client_gone;
  // Who is calling (net/access.h). The server always sets it from the
  // request's credentials; a hand-built request without it may do nothing.
  std::shared_ptr<const Access> access;

  // The caller's permissions: *access, or Access::DenyAll() when unset.
  const Access& Caller() const { return access ? *access : Access::DenyAll(); }

  // First value of query parameter `name`, if present.
  std::optional<std::string> Param(std::string_view name) const;
  // Header value by lower-case name, if present.
  std::optional<std::string> Header(std::string_view lower_name) const;
};

class ResponseStream;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();  // 204
  // {"error":{"code":"<code>","message":"<message>"}} with the given status.
  static Response Error(int status, std::string_view code,
                        std::string_view message);
  // The one place Status maps to HTTP: kInvalidArgument 400, kNotFound 404,
  // kResourceExhausted and kUnavailable 503 with Retry-After (back-pressure),
  // kNotSupported 501, kDeadlineExceeded 504, kCancelled 499 (the client is
  // gone; only the access log sees it), everything else 500. JSON error body
  // as Error().
  static Response FromStatus(const Status& status);

  // A long-lived response whose body is written in pieces after the headers
  // (server-sent events). The server sends the status line and headers
  // (HTTP/1.1: chunked transfer encoding; HTTP/1.0: delimited by the close),
  // then calls `on_open` once on the connection's strand with the stream
  // (keep it short: register the stream somewhere and return). At most
  // `max_buffered_bytes` may wait to be sent; see ResponseStream::Write.
  // The connection is never reused afterwards. A HEAD request gets the
  // headers only and `on_open` is not called.
  static Response Stream(std::string content_type, size_t max_buffered_bytes,
                         std::function<void(ResponseStream)> on_open);
  // Set by Stream(); empty for ordinary responses.
  std::function<void(ResponseStream)> on_stream_open;
  size_t stream_max_buffered_bytes = 0;
};

// The body of a streaming response (Response::Stream). A cheap copyable
// handle; all copies name the same stream. Safe for concurrent use from any
// thread. Writing never blocks: bytes are queued and sent by the
// connection's strand.
//
// A stream closes when the client disconnects, a write fails or times out
// (ServerOptions::write_timeout per piece), Close() is called, or the server
// stops (Stop() closes open streams at once; it never waits for them).
class ResponseStream {
 public:
  struct State;  // net/response_stream.h
  explicit ResponseStream(std::shared_ptr<State> state);

  // Queues `bytes` for sending. False when the stream is closed (nothing
  // queued), or when `bytes` would take the queued total past the stream's
  // max_buffered_bytes (nothing queued; the client is not keeping up and the
  // caller decides what to do, e.g. CloseWith() a notice).
  bool Write(std::string_view bytes);
  // Queues `last_bytes` regardless of the buffer bound, sends what is queued
  // within a short deadline (at most write_timeout, 5 s), then closes. Later
  // writes fail. Idempotent.
  void CloseWith(std::string_view last_bytes = {});
  // True once the stream is closed or closing; it never reopens.
  bool closed() const;
  // Bytes queued and not yet handed to the socket.
  size_t buffered_bytes() const;

 private:
  std::shared_ptr<State> state_;
};

// Call exactly once, from any thread, to send the response. Handlers that must
// wait (for the write path to make points durable) keep the Responder and call
// it later instead of blocking an I/O thread.
using Responder = std::function<void(Response)>;

using Handler = std::function<Response(const Request&)>;
using AsyncHandler = std::function<void(Request, Responder)>;

// ---- routing ----

// Method + path pattern -> handler. Patterns are literal segments and `{name}`
// captures of one segment: "/api/v1/indicators/{id}". A path that matches a
// pattern with another method gets 405 (with an Allow header); no match, 404.
class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);
  void AddAsync(std::string method, std::string pattern, AsyncHandler handler);

  struct Match {
    const AsyncHandler* handler = nullptr;  // null: no route
    std::string pattern;                    // for metrics labels
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;  // filled when path matched only
  };
  // `path` is the request path as sent (still percent-encoded, no query);
  // captures are decoded per segment, so "%2F" stays inside one capture.
  // When several patterns match, a literal segment beats a capture at the
  // first position where they differ. Safe for concurrent calls.
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    AsyncHandler handler;
  };
  std::vector<Route> routes_;
};

// ---- metrics (Prometheus text exposition format 0.0.4) ----

// A monotonically increasing counter or a gauge, with fixed label values.
class Counter {
 public:
  void Inc(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  // Cumulative counts per bound (last = +Inf), sum and count.
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  mutable Mutex mu_;
  std::vector<double> bounds_;  // set by the constructor, then read-only
  // per bucket, not cumulative; +Inf last
  std::vector<uint64_t> counts_ GUARDED_BY(mu_);
  double sum_ GUARDED_BY(mu_) = 0;
  uint64_t count_ GUARDED_BY(mu_) = 0;
};

using Labels = std::vector<std::pair<std::string, std::string>>;

// Owns all metrics; returned pointers stay valid for the registry's lifetime.
// The same name + labels returns the same metric.
class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();  // out of line: Family is defined in metrics.cc
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter* GetCounter(const std::string& name, const std::string& help,
                      const Labels& labels = {});
  Counter* GetGauge(const std::string& name, const std::string& help,
                    const Labels& labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& upper_bounds,
                          const Labels& labels = {});
  // A gauge computed when /metrics is scraped (connection state, queue depth).
  void AddCallbackGauge(const std::string& name, const std::string& help,
                        std::function<double()> read,
                        const Labels& labels = {});

  // The whole registry in Prometheus text format. Callback gauges run under
  // the registry lock: they must be quick and must not call the registry.
  std::string Render() const;

 private:
  struct Family;
  mutable Mutex mu_;
  std::vector<std::unique_ptr<Family>> families_ GUARDED_BY(mu_);
  Family* FamilyFor(const std::string& name, const std::string& help,
                    const char* type) REQUIRES(mu_);
};

// ---- the server ----

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (tests)
  int threads = 0;       // I/O threads; 0 = number of cores
  uint64_t max_body_bytes = 32ull << 20;
  // Largest request head (request line and headers); larger gets 431.
  uint64_t max_header_bytes = 64ull << 10;
  // Idle keep-alive connections wait this long for the first byte of the
  // next request; the body of a request must arrive within it once the
  // head is read. Default 30 s.
  std::chrono::milliseconds read_timeout{30000};
  // Time from the first byte of a request to the end of its head. Set once
  // per request (one expires_after over the whole head read), so a client
  // trickling a byte at a time cannot extend it (slowloris). Default 10 s.
  std::chrono::milliseconds header_timeout{10000};
  // Open connections beyond which new ones get a 503 (Retry-After: 1) and
  // are closed at once; counted in citynexus_http_connections_rejected_total.
  // Bounds file descriptors and per-connection memory. Default 1024.
  int max_connections = 1024;
  // Time allowed to send one response before the connection is dropped (a
  // client that stops reading must not pin a connection). Default 30 s.
  std::chrono::milliseconds write_timeout{30000};
  // How long Stop() waits for in-flight requests before closing them.
  std::chrono::milliseconds shutdown_grace{10000};
  std::string version = "dev";  // served by /api/v1/version
  // Both set: the listener speaks TLS only (1.2 minimum) with this PEM
  // certificate chain (leaf first) and PEM private key; the handshake must
  // finish within header_timeout. Both empty: plain HTTP. One alone is an
  // error at Start().
  std::string tls_cert_file;
  std::string tls_key_file;
};

// HTTP/1.1 server on Boost.Beast: keep-alive, one strand per connection,
// read timeout, header/body limits (413 JSON error), access log, request
// metrics, and the built-in routes GET /healthz, GET /api/v1/version and
// GET /metrics (they take precedence over router entries for the same
// method and path). HEAD is answered by the GET route without a body.
// Request bodies sent with "Content-Encoding: gzip" reach handlers inflated
// (bounded by max_body_bytes; 413 when larger, 400 when corrupt); other
// encodings get 415. Sync handlers and health checks run on an I/O thread:
// keep them short and non-blocking, or use AddAsync.
class HttpServer {
 public:
  // `router` and `metrics` must outlive the server.
  HttpServer(ServerOptions options, const Router& router,
             MetricsRegistry& metrics);
  ~HttpServer();  // Stop()s if needed
  // TLS only: reads tls_cert_file and tls_key_file again; connections
  // accepted afterwards use the new certificate, open ones keep theirs. On
  // failure the old certificate stays in use and the error says why. Any
  // thread. NotSupported when the server is not serving TLS.
  Status ReloadTls();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. kIOError when the address
  // cannot be bound (message names it).
  Status Start();
  // The bound port (useful with port 0). Valid after Start().
  uint16_t port() const;
  // Who may do what (net/auth.h): call before Start(); ignored afterwards.
  // Without it no credential verifies and anonymous callers read nothing
  // (deny by default); the open routes (/healthz, /ping, /api/v1/version,
  // /metrics) still answer.
  void SetAuthenticator(std::shared_ptr<const Authenticator> authenticator);
  // Adds a check reported by /healthz: {"status":"ok","checks":{name: ...}}.
  // A check returning a non-OK status makes /healthz answer 503.
  void AddHealthCheck(std::string name, std::function<Status()> check);
  // Stops accepting, closes idle keep-alive connections and open streaming
  // responses (Response::Stream) at once, lets in-flight requests finish
  // within shutdown_grace, closes remaining connections and joins the I/O
  // threads. Responders called afterwards are
  // ignored. Idempotent; the server cannot be started again. Must not be
  // called from a handler (it joins the I/O threads).
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- the client ----
//
// An HTTP/1.1 client on Boost.Beast/Asio for pulling data (open-data
// pollers): http:// and https:// URLs, connect and read timeouts, bounded
// redirect following, a response body limit, gzip response decoding and
// arbitrary request headers (conditional requests: If-None-Match,
// If-Modified-Since). One connection per request ("Connection: close"):
// pollers fetch every few seconds at most, so keep-alive would only add
// state. HTTPS verifies the peer against the system CA store (or
// ClientOptions::ca_file), sends SNI and checks the host name.

// An absolute http:// or https:// URL, split for connecting.
struct HttpUrl {
  std::string scheme;  // "http" or "https" (lower-case)
  std::string host;    // as written, without IPv6 brackets
  uint16_t port = 0;   // explicit or the scheme's default (80, 443)
  std::string target;  // path and query as sent: "/a/b?x=1" ("/" when empty)

  bool tls() const { return scheme == "https"; }
  // "https://host:8443/a?x=1"; the default port is left out.
  std::string ToString() const;
};

// Parses an absolute URL "scheme://host[:port][/path][?query][#fragment]"
// (scheme case-insensitive; userinfo is refused, the fragment dropped).
// kInvalidArgument naming the problem: another scheme, empty host, bad port,
// spaces or control characters.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// Resolves `reference` (a Location header or a link in a document: absolute,
// scheme-relative "//host/p", absolute-path "/p" or relative "p?q") against
// `base` (RFC 3986 section 5.2, with dot segments removed).
// kInvalidArgument when the result is not a valid http(s) URL.
Result<HttpUrl> ResolveHttpUrl(const HttpUrl& base, std::string_view reference);

struct ClientOptions {
  // Time allowed to resolve the host, connect and finish the TLS handshake.
  // Default 10 s.
  std::chrono::milliseconds connect_timeout{10000};
  // Time allowed to send the request and receive the whole response, per
  // hop of a redirect chain. Default 30 s.
  std::chrono::milliseconds read_timeout{30000};
  // Largest response body accepted, on the wire and again after gzip
  // decoding; larger responses fail with kResourceExhausted. Default 32 MiB.
  uint64_t max_body_bytes = 32ull << 20;
  // Redirects (301, 302, 303, 307, 308) followed per request; one more fails
  // with kIOError. 0 returns redirects to the caller. Default 5.
  int max_redirects = 5;
  // PEM file of CA certificates trusted for https://. Empty (default): the
  // system store (OpenSSL default verify paths, /etc/ssl/certs on Debian).
  std::string ca_file;
  std::string user_agent = "citynexus";
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL
  // Extra headers ("If-None-Match", "Authorization", ...). Host,
  // User-Agent, Accept-Encoding (gzip), Connection and Content-Length are
  // set by the client.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Overrides ClientOptions::connect_timeout and read_timeout for this
  // request when set (pollers configure a timeout each).
  std::optional<std::chrono::milliseconds> timeout;
};

struct ClientResponse {
  int status = 0;
  // Header names lower-cased; a repeated header keeps its last value.
  std::map<std::string, std::string> headers;
  // The body, gzip-decoded when the server sent Content-Encoding: gzip.
  std::string body;
  // The URL that answered (differs from the request's after redirects).
  std::string final_url;

  std::optional<std::string> Header(std::string_view lower_name) const;
};

// Runs requests on its own I/O thread ("http-client"). Every status,
// 4xx and 5xx included, is a successful Result; errors are transport
// problems: kInvalidArgument (bad URL or redirect Location), kUnavailable
// (resolve, connect, TLS or timeout failure, or the client is shut down),
// kIOError (malformed response, undecodable gzip, too many redirects),
// kResourceExhausted (body over max_body_bytes).
//
// Thread-safety: all methods are safe to call from any thread.
class HttpClient {
 public:
  // Starts the I/O thread. Never fails: a CA file that cannot be loaded
  // makes every https:// request fail with kUnavailable naming it.
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();  // Shutdown()s
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Callback = std::function<void(Result<ClientResponse>)>;
  // Starts `request`; `done` is called exactly once, on the client's I/O
  // thread (keep it short), or inline when the client is shut down.
  void Fetch(ClientRequest request, Callback done);
  // Blocking facade over Fetch(). Must not be called from a Fetch callback
  // (it would wait for its own thread).
  Result<ClientResponse> FetchSync(ClientRequest request);
  // Cancels requests in flight (they finish with kUnavailable), waits up to
  // `grace` for their callbacks, then joins the I/O thread; requests still
  // stuck (e.g. in the system resolver) are completed with kUnavailable.
  // Later Fetch() calls fail at once. Idempotent.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace citynexus::net
