// HttpClient: one Asio I/O thread running one C++20 coroutine per request.
// Every step has a deadline (a timer around the resolver, beast::tcp_stream
// expiry around connect, handshake, write and read), and Shutdown() cancels
// the steps in flight by closing their sockets, so no request outlives the
// client by more than the grace period.
#include "net/http_client.h"

// clang-format off
// <utility> before Asio: boost/asio/awaitable.hpp (1.74) uses std::exchange
// without including it.
#include <utility>
// clang-format on
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cassert>
#include <cctype>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "common/log.h"
#include "common/mutex.h"
#include "net/gzip.h"
#include "net/net.h"
#include "net/url.h"

namespace citynexus::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr const char* kComponent = "http-client";
constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;

}  // namespace

bool IsFollowedRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

std::optional<std::string> ClientResponse::Header(
    std::string_view lower_name) const {
  const auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

// ---- the client ----

namespace {

// One request in flight. Members other than `completed` are touched on the
// I/O thread only.
struct Operation {
  ClientRequest request;
  HttpClient::Callback done;
  std::atomic<bool> completed{false};
  bool cancelled = false;
  tcp::resolver* resolver = nullptr;    // while resolving
  beast::tcp_stream* stream = nullptr;  // while connected

  // Calls `done` unless someone already did (Shutdown() completes stuck
  // operations itself).
  void Complete(Result<ClientResponse> result) {
    if (!completed.exchange(true)) done(std::move(result));
  }
  void Cancel() {
    cancelled = true;
    if (resolver != nullptr) resolver->cancel();
    if (stream != nullptr) stream->close();
  }
};

// Clears Operation::stream when the stream goes out of scope.
struct StreamRegistration {
  Operation& op;
  StreamRegistration(Operation& o, beast::tcp_stream& s) : op(o) {
    op.stream = &s;
  }
  ~StreamRegistration() { op.stream = nullptr; }
  StreamRegistration(const StreamRegistration&) = delete;
  StreamRegistration& operator=(const StreamRegistration&) = delete;
};

Status TransportError(const Operation& op, std::string_view step,
                      const beast::error_code& ec,
                      std::chrono::milliseconds timeout) {
  if (op.cancelled) return Status::Unavailable("HTTP client shut down");
  if (ec == beast::error::timeout) {
    return Status::Unavailable(std::string(step) + " timed out after " +
                               std::to_string(timeout.count()) + " ms");
  }
  return Status::Unavailable(std::string(step) + ": " + ec.message());
}

}  // namespace

class HttpClient::Impl {
 public:
  explicit Impl(ClientOptions options)
      : options_(std::move(options)), work_(asio::make_work_guard(ioc_)) {
    SetUpTls();
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~Impl() { Shutdown(std::chrono::seconds(5)); }

  void Fetch(ClientRequest request, Callback done) {
    auto op = std::make_shared<Operation>();
    op->request = std::move(request);
    op->done = std::move(done);
    {
      MutexLock lock(&mu_);
      if (!stopped_) {
        active_.insert(op);
        asio::co_spawn(ioc_, Run(op), asio::detached);
        return;
      }
    }
    op->Complete(Status::Unavailable("HTTP client shut down"));
  }

  Result<ClientResponse> FetchSync(ClientRequest request) {
    if (std::this_thread::get_id() == thread_.get_id()) {
      // A programmer error: waiting here would block the only I/O thread.
      assert(false && "FetchSync called on the HTTP client's I/O thread");
      return Status::InvalidArgument(
          "HttpClient::FetchSync called on the client's I/O thread");
    }
    std::promise<Result<ClientResponse>> promise;
    std::future<Result<ClientResponse>> future = promise.get_future();
    Fetch(std::move(request), [&promise](Result<ClientResponse> result) {
      promise.set_value(std::move(result));
    });
    return future.get();
  }

  void Shutdown(std::chrono::milliseconds grace) {
    std::set<std::shared_ptr<Operation>> ops;
    {
      MutexLock lock(&mu_);
      if (joined_) return;
      stopped_ = true;
      ops = active_;
    }
    asio::post(ioc_, [ops] {
      for (const auto& op : ops) op->Cancel();
    });
    {
      MutexLock lock(&mu_);
      const auto deadline = std::chrono::steady_clock::now() + grace;
      while (!active_.empty() && cv_.WaitUntil(&mu_, deadline)) {
      }
      ops = active_;
      joined_ = true;
    }
    work_.reset();
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
    for (const auto& op : ops) {
      CN_LOG(kWarn, kComponent)
          << "abandoning " << op->request.url << " at shutdown";
      op->Complete(Status::Unavailable("HTTP client shut down"));
    }
  }

 private:
  std::chrono::milliseconds ConnectTimeout(const Operation& op) const {
    return op.request.timeout.value_or(options_.connect_timeout);
  }
  std::chrono::milliseconds ReadTimeout(const Operation& op) const {
    return op.request.timeout.value_or(options_.read_timeout);
  }

  void SetUpTls() {
    beast::error_code ec;
    SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
    if (options_.ca_file.empty()) {
      tls_.set_default_verify_paths(ec);
      if (ec) {
        tls_error_ = "loading the system CA store: " + ec.message();
      }
    } else {
      tls_.load_verify_file(options_.ca_file, ec);
      if (ec) {
        tls_error_ =
            "loading CA file " + options_.ca_file + ": " + ec.message();
      }
    }
    if (!tls_error_.empty()) CN_LOG(kWarn, kComponent) << tls_error_;
  }

  asio::awaitable<void> Run(std::shared_ptr<Operation> op) {
    Status status;
    ClientResponse response;
    try {
      status = co_await Execute(*op, &response);
    } catch (const std::exception& e) {
      // Asio and Beast do not throw with redirect_error; this is a net for
      // allocation failures and the like, which must not escape the thread.
      status = Status::IOError(std::string("unexpected error: ") + e.what());
    }
    {
      MutexLock lock(&mu_);
      active_.erase(op);
    }
    cv_.SignalAll();
    if (status.ok()) {
      op->Complete(std::move(response));
    } else {
      op->Complete(status);
    }
  }

  // Follows redirects; the response of the last hop lands in `out`.
  asio::awaitable<Status> Execute(Operation& op, ClientResponse* out) {
    Result<HttpUrl> url = ParseHttpUrl(op.request.url);
    if (!url) co_return url.error();
    std::string method = op.request.method;
    std::string body = op.request.body;
    for (int hop = 0;; ++hop) {
      *out = ClientResponse();
      Status s = co_await FetchOnce(op, *url, method, body, out);
      if (!s.ok()) co_return s.WithContext(method + " " + url->ToString());
      out->final_url = url->ToString();
      const std::optional<std::string> location = out->Header("location");
      if (!IsFollowedRedirect(out->status) || options_.max_redirects == 0 ||
          !location) {
        co_return Status::Ok();
      }
      if (hop >= options_.max_redirects) {
        co_return Status::IOError(
            method + " " + op.request.url + ": more than " +
            std::to_string(options_.max_redirects) + " redirects");
      }
      Result<HttpUrl> next = ResolveHttpUrl(*url, *location);
      if (!next) {
        co_return next.error().WithContext("redirect from " + url->ToString());
      }
      // 303 always, and 301/302 after POST by long-standing browser
      // practice, turn into a GET without body; 307/308 repeat as sent.
      if (out->status == 303 ||
          ((out->status == 301 || out->status == 302) && method == "POST")) {
        method = "GET";
        body.clear();
      }
      url = std::move(next);
    }
  }

  asio::awaitable<Status> FetchOnce(Operation& op, const HttpUrl& url,
                                    const std::string& method,
                                    const std::string& body,
                                    ClientResponse* out) {
    const http::verb verb = http::string_to_verb(method);
    if (verb == http::verb::unknown) {
      co_return Status::InvalidArgument("unknown HTTP method " + method);
    }
    if (op.cancelled) co_return Status::Unavailable("HTTP client shut down");

    // Resolve, under a timer: the system resolver has no timeout of its own.
    tcp::resolver resolver(ioc_);
    op.resolver = &resolver;
    bool resolve_timed_out = false;
    asio::steady_timer timer(ioc_);
    timer.expires_after(ConnectTimeout(op));
    timer.async_wait(
        [&resolver, &resolve_timed_out](const beast::error_code& ec) {
          // Only touches the coroutine's locals when it fired, i.e. while
          // the coroutine is still suspended in async_resolve.
          if (!ec) {
            resolve_timed_out = true;
            resolver.cancel();
          }
        });
    beast::error_code ec;
    const tcp::resolver::results_type endpoints =
        co_await resolver.async_resolve(
            url.host, std::to_string(url.port),
            asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    op.resolver = nullptr;
    if (op.cancelled) co_return Status::Unavailable("HTTP client shut down");
    if (resolve_timed_out) {
      co_return Status::Unavailable(
          "resolving " + url.host + " timed out after " +
          std::to_string(ConnectTimeout(op).count()) + " ms");
    }
    if (ec) {
      co_return Status::Unavailable("resolving " + url.host + ": " +
                                    ec.message());
    }

    http::request<http::string_body> request{verb, url.target, 11};
    request.set(http::field::host, HostHeader(url));
    request.set(http::field::user_agent, options_.user_agent);
    request.set(http::field::accept_encoding, "gzip");
    request.set(http::field::connection, "close");
    for (const auto& [name, value] : op.request.headers) {
      request.set(name, value);
    }
    request.body() = body;
    request.prepare_payload();

    if (url.tls()) {
      if (!tls_error_.empty()) co_return Status::Unavailable(tls_error_);
      beast::ssl_stream<beast::tcp_stream> stream(ioc_, tls_);
      StreamRegistration registration(op, beast::get_lowest_layer(stream));
      Status s =
          co_await Connect(op, beast::get_lowest_layer(stream), endpoints);
      if (!s.ok()) co_return s;
      // SNI, so virtual hosts present the right certificate, and host name
      // verification (SAN DNS names or IP addresses) on top of the chain.
      if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
        co_return Status::Unavailable("setting TLS SNI for " + url.host);
      }
      stream.set_verify_mode(ssl::verify_peer);
      stream.set_verify_callback(ssl::host_name_verification(url.host));
      beast::get_lowest_layer(stream).expires_after(ConnectTimeout(op));
      co_await stream.async_handshake(
          ssl::stream_base::client,
          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        co_return TransportError(op, "TLS handshake with " + url.host, ec,
                                 ConnectTimeout(op));
      }
      co_return co_await Exchange(op, stream, request, verb, out);
    }
    beast::tcp_stream stream(ioc_);
    StreamRegistration registration(op, stream);
    Status s = co_await Connect(op, stream, endpoints);
    if (!s.ok()) co_return s;
    co_return co_await Exchange(op, stream, request, verb, out);
  }

  asio::awaitable<Status> Connect(
      Operation& op, beast::tcp_stream& stream,
      const tcp::resolver::results_type& endpoints) {
    beast::error_code ec;
    stream.expires_after(ConnectTimeout(op));
    co_await stream.async_connect(
        endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_return TransportError(op, "connecting", ec, ConnectTimeout(op));
    }
    co_return Status::Ok();
  }

  // Sends `request` and reads the whole response into `out`.
  template <typename Stream>
  asio::awaitable<Status> Exchange(Operation& op, Stream& stream,
                                   http::request<http::string_body>& request,
                                   http::verb verb, ClientResponse* out) {
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(ReadTimeout(op));
    co_await http::async_write(stream, request,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_return TransportError(op, "sending the request", ec, ReadTimeout(op));
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(kMaxResponseHeaderBytes);
    parser.body_limit(options_.max_body_bytes);
    if (verb == http::verb::head) parser.skip(true);
    co_await http::async_read_header(
        stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    // Beast 1.74 compares a Content-Length against the optional body limit
    // the wrong way round and lets any length through (chunked and
    // read-to-EOF bodies are checked correctly), so check it here.
    if (!ec && verb != http::verb::head && parser.content_length() &&
        *parser.content_length() > options_.max_body_bytes) {
      ec = http::error::body_limit;
    }
    if (!ec) {
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec == http::error::body_limit) {
      co_return Status::ResourceExhausted(
          "response body larger than " +
          std::to_string(options_.max_body_bytes) + " bytes");
    }
    if (ec &&
        ec.category() ==
            http::make_error_code(http::error::end_of_stream).category()) {
      co_return Status::IOError("malformed response: " + ec.message());
    }
    if (ec) {
      co_return TransportError(op, "reading the response", ec, ReadTimeout(op));
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().shutdown(
        tcp::socket::shutdown_both, ignored);

    http::response<http::string_body> response = parser.release();
    out->status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      const beast::string_view name = field.name_string();
      const beast::string_view value = field.value();
      out->headers[AsciiLower(std::string_view(name.data(), name.size()))] =
          std::string(value.data(), value.size());
    }
    out->body = std::move(response.body());
    co_return DecodeBody(out);
  }

  Status DecodeBody(ClientResponse* out) const {
    const auto encoding = out->headers.find("content-encoding");
    if (encoding == out->headers.end()) return Status::Ok();
    const std::string coding = AsciiLower(encoding->second);
    if (coding == "identity" || coding.empty()) return Status::Ok();
    if (coding != "gzip" && coding != "x-gzip") {
      return Status::IOError("unsupported Content-Encoding " +
                             encoding->second + " (only gzip was offered)");
    }
    Result<std::string> inflated =
        GzipInflate(out->body, options_.max_body_bytes);
    if (!inflated) {
      if (inflated.error().code() == StatusCode::kResourceExhausted) {
        return Status::ResourceExhausted(
            "gzip response body inflates to more than " +
            std::to_string(options_.max_body_bytes) + " bytes");
      }
      return Status::IOError("undecodable gzip response body: " +
                             inflated.error().message());
    }
    out->body = std::move(*inflated);
    // The caller sees the decoded body; these described the encoded one.
    out->headers.erase("content-encoding");
    out->headers.erase("content-length");
    return Status::Ok();
  }

  const ClientOptions options_;
  // Declared before ioc_: TLS streams in suspended coroutines reference the
  // context until ioc_ destroys them.
  ssl::context tls_{ssl::context::tls_client};
  std::string tls_error_;  // set once in the constructor
  asio::io_context ioc_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;

  Mutex mu_;
  CondVar cv_;
  std::set<std::shared_ptr<Operation>> active_ GUARDED_BY(mu_);
  bool stopped_ GUARDED_BY(mu_) = false;
  bool joined_ GUARDED_BY(mu_) = false;
};

HttpClient::HttpClient(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpClient::~HttpClient() = default;

void HttpClient::Fetch(ClientRequest request, Callback done) {
  impl_->Fetch(std::move(request), std::move(done));
}

Result<ClientResponse> HttpClient::FetchSync(ClientRequest request) {
  return impl_->FetchSync(std::move(request));
}

void HttpClient::Shutdown(std::chrono::milliseconds grace) {
  impl_->Shutdown(grace);
}

}  // namespace citynexus::net
