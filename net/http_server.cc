// HttpServer (declared in net/net.h): the listener, the I/O loops and the
// shutdown sequence. Per-connection work lives in http_session.cc, the loops
// (one io_context per I/O thread, stall rescue) in io_loops.cc.
//
// The acceptor runs on its own thread and io_context (with the stall
// watchdog's timer), so a loop busy in a long request never delays accepts;
// each accepted socket moves to the loop IoLoops::PickLoop chooses.
//
// Stop() order: close the acceptor (new connects are refused) -> tell every
// session (idle ones close at once) -> wait for in-flight requests up to
// shutdown_grace -> force-close the rest and wait until that ran -> close
// the response gate (late Responders become no-ops) -> stop and join the
// I/O threads -> drop sessions' self-references.
#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/log.h"
#include "common/mutex.h"
#include "net/builtin_routes.h"
#include "net/http_session.h"
#include "net/io_loops.h"
#include "net/net.h"
#include "net/server_context.h"
#include "net/tls_context.h"

namespace citynexus::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// After an accept error (EMFILE, ENOBUFS) wait before retrying instead of
// spinning on the failing call.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// Upper bound on waiting for force-close handlers to run during Stop().
constexpr auto kForceCloseWait = std::chrono::seconds(2);

// Waits for `n` completions with a deadline (std::latch has no timed wait).
class Countdown {
 public:
  explicit Countdown(size_t n) : remaining_(n) {}
  void Done() {
    MutexLock lock(&mu_);
    if (remaining_ > 0 && --remaining_ == 0) {
      cv_.SignalAll();
    }
  }
  bool WaitFor(std::chrono::steady_clock::duration d) {
    const auto deadline = std::chrono::steady_clock::now() + d;
    MutexLock lock(&mu_);
    while (remaining_ != 0) {
      if (!cv_.WaitUntil(&mu_, deadline)) return remaining_ == 0;
    }
    return true;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  size_t remaining_ GUARDED_BY(mu_);
};
}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, const Router& router, MetricsRegistry& metrics)
      : ctx_(std::make_shared<ServerContext>()),
        loops_(ThreadCount(options),
               metrics.GetCounter(
                   "citynexus_http_loop_rescues_total",
                   "Times an I/O loop's other connections were served by "
                   "its rescue thread because the loop's thread was in one "
                   "request for more than a watchdog tick.")),
        accept_ioc_(1),
        acceptor_(accept_ioc_),
        accept_retry_(accept_ioc_),
        stall_timer_(accept_ioc_) {
    ctx_->options = std::move(options);
    ctx_->user_router = &router;
    ctx_->metrics = &metrics;
    ctx_->server_header = "citynexus/" + ctx_->options.version;
    ctx_->connections_active = metrics.GetGauge(
        "citynexus_http_connections_active", "Open HTTP connections.");
    ctx_->connections_rejected = metrics.GetCounter(
        "citynexus_http_connections_rejected_total",
        "Connections refused with 503 because http.max_connections were open.");
    ctx_->head_timeouts = metrics.GetCounter(
        "citynexus_http_head_timeouts_total",
        "Connections closed because the request head did not arrive within "
        "http.header_timeout_ms.");
    const auto created = std::chrono::steady_clock::now();
    metrics.AddCallbackGauge(
        "citynexus_uptime_seconds", "Seconds since the HTTP server started.",
        [created] {
          return std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - created)
              .count();
        });
    AddBuiltinRoutes(ctx_.get());
  }

  ~Impl() { Stop(); }

  Status Start() {
    MutexLock lock(&lifecycle_mu_);
    if (started_) {
      return Status::InvalidArgument("server already started");
    }
    if (stopped_) {
      return Status::InvalidArgument("server was stopped");
    }
    const ServerOptions& o = ctx_->options;
    const std::string where = o.host + ":" + std::to_string(o.port);
    if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
      return Status::InvalidArgument(
          "http.tls.cert_file and http.tls.key_file go together: set both "
          "(HTTPS) or neither (HTTP)");
    }
    if (!o.tls_cert_file.empty()) {
      auto tls = MakeServerTlsContext(o.tls_cert_file, o.tls_key_file);
      if (!tls) {
        return tls.status();
      }
      MutexLock lock(&ctx_->tls_mu);
      ctx_->tls = std::move(*tls);
    }
    boost::system::error_code ec;
    tcp::resolver resolver(accept_ioc_);
    auto results = resolver.resolve(o.host, std::to_string(o.port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      return Status::IOError("resolving " + where + ": " +
                             (ec ? ec.message() : "no address"));
    }
    const tcp::endpoint endpoint = results.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
      acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      return Status::IOError("binding " + where + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint(ec).port();
    loops_.Start();
    DoAccept();  // before the accept thread runs: no race
    ArmStallTimer();
    accept_thread_ = std::thread([this] { RunAcceptLoop(); });
    const int n = static_cast<int>(loops_.size());
    started_ = true;
    CN_LOG(kInfo, "http") << "listening on " << o.host << ":" << port_ << " ("
                          << n << " I/O threads"
                          << (o.tls_cert_file.empty() ? "" : ", TLS") << ")";
    return Status::Ok();
  }

  uint16_t port() const { return port_; }

  Status ReloadTls() {
    const ServerOptions& o = ctx_->options;
    if (o.tls_cert_file.empty()) {
      return Status::NotSupported("the HTTP server is not serving TLS");
    }
    auto tls = MakeServerTlsContext(o.tls_cert_file, o.tls_key_file);
    if (!tls) {
      return tls.status();
    }
    MutexLock lock(&ctx_->tls_mu);
    ctx_->tls = std::move(*tls);
    return Status::Ok();
  }

  void SetAuthenticator(std::shared_ptr<const Authenticator> authenticator) {
    MutexLock lock(&lifecycle_mu_);
    if (!started_ && authenticator) {
      ctx_->authenticator = std::move(authenticator);
    }
  }

  void AddHealthCheck(std::string name, std::function<Status()> check) {
    MutexLock lock(&ctx_->health_mu);
    ctx_->health_checks.emplace_back(std::move(name), std::move(check));
  }

  void Stop() {
    // Held throughout, so a concurrent second Stop() returns only once the
    // server is fully stopped.
    MutexLock lifecycle(&lifecycle_mu_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
    if (!started_) {
      CloseGate();
      return;
    }
    {
      MutexLock lock(&ctx_->mu);
      ctx_->stopping = true;  // sessions accepted from now on close at once
    }
    // 1. Stop accepting; wait so that connects fail once Stop() returns.
    // The stall watchdog keeps ticking until step 6: a handler stuck during
    // the grace period must not stall its loop's other connections.
    std::promise<void> acceptor_closed;
    asio::post(accept_ioc_, [this, &acceptor_closed] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      accept_retry_.cancel();
      acceptor_closed.set_value();
    });
    acceptor_closed.get_future().wait();

    // 2. Idle connections close now; busy ones after their response.
    for (auto& s : ctx_->Sessions()) {
      s->PostStop();
    }

    // 3. Grace period for in-flight requests.
    const auto grace = ctx_->options.shutdown_grace;
    bool drained;
    {
      const auto deadline = std::chrono::steady_clock::now() + grace;
      MutexLock lock(&ctx_->mu);
      while (ctx_->in_flight != 0 && ctx_->cv.WaitUntil(&ctx_->mu, deadline)) {
      }
      drained = ctx_->in_flight == 0;
    }
    if (!drained) {
      CN_LOG(kWarn, "http") << "shutdown grace of " << grace.count()
                            << "ms over; closing busy connections";
    }

    // 4. Close whatever is left, and wait until those closes ran.
    auto remaining = ctx_->Sessions();
    auto countdown = std::make_shared<Countdown>(remaining.size());
    for (auto& s : remaining) {
      s->PostForceClose();
      // Queued behind the close on the same strand.
      asio::post(s->executor(), [countdown] { countdown->Done(); });
    }
    countdown->WaitFor(kForceCloseWait);
    remaining.clear();

    // 5. Late Responders must not post into a stopping io_context.
    CloseGate();

    // 6. Threads: the acceptor's (and watchdog's) first, then the loops.
    accept_ioc_.stop();
    if (accept_thread_.joinable()) {
      accept_thread_.join();
    }
    loops_.Stop();

    // 7. Sessions waiting for a Responder hold themselves; let them go.
    for (auto& s : ctx_->Sessions()) {
      s->ReleaseAfterStop();
    }
    CN_LOG(kInfo, "http") << "stopped listening on port " << port_;
  }

 private:
  static int ThreadCount(const ServerOptions& o) {
    if (o.threads > 0) {
      return o.threads;
    }
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
  }

  void RunAcceptLoop() {
    // The accept handlers do not throw; an escaping exception must still
    // not take the process down with it.
    while (true) {
      try {
        accept_ioc_.run();
        return;
      } catch (const std::exception& e) {
        CN_LOG(kError, "http") << "accept thread caught: " << e.what();
      } catch (...) {
        CN_LOG(kError, "http") << "accept thread caught a non-exception";
      }
    }
  }

  // The stall watchdog (IoLoops::CheckStalls) on the accept thread. Runs
  // until the accept io_context stops (Stop step 6).
  void ArmStallTimer(std::chrono::milliseconds after = IoLoops::kStallTick) {
    stall_timer_.expires_after(after);
    stall_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) {
        return;
      }
      ArmStallTimer(loops_.CheckStalls() ? IoLoops::kStallRecheck
                                         : IoLoops::kStallTick);
    });
  }

  void CloseGate() {
    MutexLock lock(&ctx_->gate->mu);
    ctx_->gate->open = false;
  }

  void DoAccept() {
    acceptor_.async_accept(
        [this](boost::system::error_code ec, tcp::socket socket) {
          OnAccept(ec, std::move(socket));
        });
  }

  void OnAccept(boost::system::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) {
      return;  // Stop() closed it
    }
    if (ec) {
      if (ec == asio::error::operation_aborted) {
        return;
      }
      CN_LOG(kWarn, "http")
          << "accept failed: " << ec.message() << "; retrying";
      accept_retry_.expires_after(kAcceptRetryDelay);
      accept_retry_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec && acceptor_.is_open()) {
          DoAccept();
        }
      });
      return;
    }
    if (ctx_->open_connections.load() >= ctx_->options.max_connections) {
      RejectConnection(std::move(socket));
      DoAccept();
      return;
    }
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);  // small responses
    // Move the connection to its loop: a socket belongs to the io_context
    // that created it, so hand the descriptor over.
    const size_t loop = loops_.PickLoop();
    const auto protocol = socket.local_endpoint(opt_ec).protocol();
    if (opt_ec) {
      DoAccept();  // the connection is already gone; `socket` closes it
      return;
    }
    tcp::socket moved(asio::make_strand(loops_.context(loop)));
    moved.assign(protocol, socket.release(), opt_ec);
    if (opt_ec) {
      CN_LOG(kWarn, "http")
          << "cannot move a connection to its I/O loop: " << opt_ec.message();
      DoAccept();
      return;
    }
    std::make_shared<HttpSession>(std::move(moved), ctx_,
                                  loops_.NewTicket(loop))
        ->Start();
    DoAccept();
  }

  // Over max_connections: one non-blocking send of a fixed 503 (it fits in
  // any socket buffer, so it never waits), then close. No session, no
  // timer, no allocation: a flood of connects costs an accept and a close.
  void RejectConnection(tcp::socket socket) {
    ctx_->connections_rejected->Inc();
    static constexpr std::string_view kBody =
        "{\"error\":{\"code\":\"unavailable\",\"message\":\"too many open "
        "connections; retry later\"}}";
    static const std::string kResponse =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json"
        "\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
        std::to_string(kBody.size()) + "\r\n\r\n" + std::string(kBody);
    [[maybe_unused]] const ssize_t sent =
        ::send(socket.native_handle(), kResponse.data(), kResponse.size(),
               MSG_DONTWAIT | MSG_NOSIGNAL);
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
    // One log line per second at most: a flood must not flood the log.
    const auto now = std::chrono::steady_clock::now();
    ++rejected_since_log_;
    if (now - last_reject_log_ >= std::chrono::seconds(1)) {
      CN_LOG(kWarn, "http")
          << "refused " << rejected_since_log_
          << " connection(s): " << ctx_->options.max_connections
          << " open (http.max_connections)";
      last_reject_log_ = now;
      rejected_since_log_ = 0;
    }
  }

  std::shared_ptr<ServerContext> ctx_;
  IoLoops loops_;
  // The acceptor's io_context, run by accept_thread_ alone. Declared after
  // loops_ and before its objects: destroyed after them, before the loops.
  asio::io_context accept_ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  asio::steady_timer stall_timer_;  // the loops' stall watchdog
  // Rate limit of the refusal log; only on the accept thread.
  std::chrono::steady_clock::time_point last_reject_log_{};
  uint64_t rejected_since_log_ = 0;
  std::thread accept_thread_;
  std::atomic<uint16_t> port_{0};
  Mutex lifecycle_mu_;
  bool started_ GUARDED_BY(lifecycle_mu_) = false;
  bool stopped_ GUARDED_BY(lifecycle_mu_) = false;
};

HttpServer::HttpServer(ServerOptions options, const Router& router,
                       MetricsRegistry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

HttpServer::~HttpServer() = default;  // Impl's destructor stops

Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::SetAuthenticator(
    std::shared_ptr<const Authenticator> authenticator) {
  impl_->SetAuthenticator(std::move(authenticator));
}
void HttpServer::AddHealthCheck(std::string name,
                                std::function<Status()> check) {
  impl_->AddHealthCheck(std::move(name), std::move(check));
}
void HttpServer::Stop() { impl_->Stop(); }
Status HttpServer::ReloadTls() { return impl_->ReloadTls(); }

}  // namespace citynexus::net
