// HttpSession: one connection's read -> dispatch -> write loop; see
// http_session.h.
#include "net/http_session.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <cctype>
#include <cerrno>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

#include "common/log.h"
#include "net/auth.h"
#include "net/gzip.h"
#include "net/tls_context.h"
#include "net/url.h"

namespace citynexus::net {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// First read of an idle connection (the rest of the head goes through the
// parser, bounded by max_header_bytes).
constexpr size_t kFirstReadBytes = 4096;

// Shared by all copies of one Responder: delivers at most once, and a 500
// when the last copy goes away without a call, so a forgetful handler cannot
// hang the connection.
//
// A handler that answers before it returns (every Router::Add handler) is
// answered inline: Deliver, called on the dispatching thread while
// Dispatch() still runs the handler, parks the response in `inline_slot_`
// and Dispatch() writes it once the handler returns. Posting it instead
// would wake another I/O thread for every request (a futex wake and a
// context switch, the larger part of a small query's cost). Any other
// thread, or the same one after the handler returned, posts as before.
class ResponderState {
 public:
  ResponderState(std::shared_ptr<ResponseGate> gate,
                 std::weak_ptr<HttpSession> session, uint64_t seq)
      : gate_(std::move(gate)),
        session_(std::move(session)),
        seq_(seq),
        dispatch_thread_(std::this_thread::get_id()) {}
  ~ResponderState() {
    if (!called_.load()) {
      Deliver(Response::Error(500, "internal",
                              "the handler finished without responding"));
    }
  }
  ResponderState(const ResponderState&) = delete;
  ResponderState& operator=(const ResponderState&) = delete;

  void Deliver(Response response) {
    if (called_.exchange(true)) {
      CN_LOG(kWarn, "http") << "a Responder was called twice; ignored";
      return;
    }
    // The thread id is compared first: only the dispatching thread ever
    // reads or writes inline_slot_.
    if (std::this_thread::get_id() == dispatch_thread_ &&
        inline_slot_ != nullptr) {
      *inline_slot_ = std::move(response);
      return;
    }
    MutexLock lock(&gate_->mu);
    if (!gate_->open) {
      return;  // server stopped: nobody to answer
    }
    if (auto session = session_.lock()) {
      session->PostResponse(seq_, std::move(response));
    }
  }

  // Called by Dispatch() on the dispatching thread only: while `slot` is
  // set, a response delivered on this thread lands there.
  void SetInlineSlot(std::optional<Response>* slot) { inline_slot_ = slot; }

 private:
  std::shared_ptr<ResponseGate> gate_;
  std::weak_ptr<HttpSession> session_;
  const uint64_t seq_;
  const std::thread::id dispatch_thread_;
  std::optional<Response>* inline_slot_ = nullptr;  // dispatch thread only
  std::atomic<bool> called_{false};
};

// Beast 1.74 uses boost::string_view.
std::string_view ToStd(boost::beast::string_view s) {
  return std::string_view(s.data(), s.size());
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Inflates a gzip body in place (and drops the Content-Encoding header, so
// handlers see plain bytes). Returns the error response to send instead:
// 413 when the inflated body exceeds `max_body_bytes`, 400 for corrupt
// gzip, 415 for encodings we do not speak.
std::optional<Response> DecodeContentEncoding(Request& request,
                                              uint64_t max_body_bytes) {
  auto it = request.headers.find("content-encoding");
  if (it == request.headers.end()) {
    return std::nullopt;
  }
  const std::string encoding = ToLower(Trim(it->second));
  if (encoding.empty() || encoding == "identity") {
    return std::nullopt;
  }
  if (encoding != "gzip" && encoding != "x-gzip") {
    return Response::Error(
        415, "unsupported_media_type",
        "content encoding \"" + encoding + "\" is not supported; use gzip");
  }
  auto inflated = GzipInflate(request.body, max_body_bytes);
  if (!inflated.has_value()) {
    if (inflated.error().code() == StatusCode::kResourceExhausted) {
      return Response::Error(413, "payload_too_large",
                             inflated.error().message());
    }
    return Response::Error(400, "bad_request", inflated.error().message());
  }
  request.body = std::move(*inflated);
  request.headers.erase(it);
  request.headers["content-length"] = std::to_string(request.body.size());
  return std::nullopt;
}

std::string FormatEndpoint(const tcp::endpoint& ep) {
  const std::string addr = ep.address().to_string();
  const std::string port = std::to_string(ep.port());
  return ep.address().is_v6() ? "[" + addr + "]:" + port : addr + ":" + port;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() ==
         http::make_error_code(http::error::bad_target).category();
}
}  // namespace

HttpSession::HttpSession(tcp::socket socket, std::shared_ptr<ServerContext> ctx,
                         IoLoops::Ticket loop_ticket)
    : ctx_(std::move(ctx)),
      loop_ticket_(std::move(loop_ticket)),
      stream_(std::move(socket), ctx_->CurrentTls()),
      executor_(stream_.get_executor()) {
  beast::error_code ec;
  const tcp::endpoint ep = stream_.socket().remote_endpoint(ec);
  remote_ = ec ? "-" : FormatEndpoint(ep);
  ctx_->connections_active->Inc();
  ctx_->open_connections.fetch_add(1);
}

HttpSession::~HttpSession() {
  FinishInFlight();
  if (registered_) {
    ctx_->Unregister(id_);
  }
  ctx_->connections_active->Inc(-1);
  ctx_->open_connections.fetch_sub(1);
}

void HttpSession::Start() {
  auto self = shared_from_this();
  if (!ctx_->Register(self, &id_)) {
    beast::error_code ec;
    stream_.socket().close(ec);  // accepted while stopping
    return;
  }
  registered_ = true;
  asio::dispatch(executor_, beast::bind_front_handler(
                                stream_.is_tls() ? &HttpSession::DoHandshake
                                                 : &HttpSession::DoRead,
                                self));
}

void HttpSession::DoHandshake() {
  // Same bound as a request head: a client that opens a connection and
  // trickles (or never sends) its ClientHello is closed when it passes.
  reading_head_ = true;
  stream_.expires_after(
      std::min(ctx_->options.header_timeout, ctx_->options.read_timeout));
  stream_.async_handshake([self = shared_from_this()](beast::error_code ec) {
    if (self->state_ == State::kClosed) {
      return;
    }
    if (ec) {
      if (ec == beast::error::timeout) {
        self->ctx_->head_timeouts->Inc();
      }
      // Old protocol versions, plain HTTP on the TLS port, scanners: debug
      // only, a client must not be able to fill the log.
      CN_LOG(kDebug, "http")
          << self->remote_ << " TLS handshake failed: " << ec.message();
      self->Close();
      return;
    }
    self->reading_head_ = false;
    self->DoRead();
  });
}

void HttpSession::PostStop() {
  asio::post(executor_, [self = shared_from_this()] {
    self->stopping_ = true;
    // Between requests (or draining after an error): nothing to finish. A
    // stream has no end to wait for: it closes now.
    if (self->state_ == State::kReading || self->state_ == State::kClosing ||
        self->state_ == State::kStreaming) {
      self->Close();
    }
  });
}

void HttpSession::PostForceClose() {
  asio::post(executor_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->Close();
    self->pending_self_.reset();  // `self` keeps us alive to the end
  });
}

void HttpSession::PostResponse(uint64_t seq, Response response) {
  asio::post(executor_, [self = shared_from_this(), seq,
                         response = std::move(response)]() mutable {
    self->OnResponse(seq, std::move(response));
  });
}

void HttpSession::ReleaseAfterStop() { pending_self_.reset(); }

// ---- reading ----

void HttpSession::DoRead() {
  if (state_ == State::kClosed) {
    return;
  }
  state_ = State::kReading;
  if (stopping_) {
    Close();
    return;
  }
  method_ = "-";
  target_ = "-";
  route_.clear();
  head_request_ = false;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<uint64_t>(ctx_->options.max_header_bytes,
                         std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(ctx_->options.max_body_bytes);
  if (buffer_.size() > 0) {
    ReadHead();  // a pipelined request is already here
    return;
  }
  // Idle keep-alive: wait for the first byte with the (longer) read
  // timeout; the head deadline starts when the request does.
  stream_.expires_after(ctx_->options.read_timeout);
  stream_.async_read_some(
      buffer_.prepare(kFirstReadBytes),
      [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
        if (self->state_ == State::kClosed) {
          return;
        }
        if (ec) {
          self->OnReadError(ec);
          return;
        }
        self->buffer_.commit(bytes);
        self->ReadHead();
      });
}

void HttpSession::ReadHead() {
  // One deadline for the whole head: async_read_header does not re-arm it
  // per byte, so a trickling client is closed when it passes.
  reading_head_ = true;
  stream_.expires_after(
      std::min(ctx_->options.header_timeout, ctx_->options.read_timeout));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnReadHeader,
                                                    shared_from_this()));
}

void HttpSession::OnReadHeader(beast::error_code ec, std::size_t) {
  if (state_ == State::kClosed) {
    return;
  }
  if (ec) {
    OnReadError(ec);
    return;
  }
  reading_head_ = false;
  // The body (and a 100-continue) get their own deadline.
  stream_.expires_after(ctx_->options.read_timeout);
  const auto& req = parser_->get();
  method_ = std::string(ToStd(req.method_string()));
  raw_target_ = std::string(ToStd(req.target()));
  target_ = ScrubTargetForLog(raw_target_);  // no ?p= secret in logs
  if (!parser_->is_done() &&
      beast::iequals(req[http::field::expect], "100-continue")) {
    // curl and others wait for this before sending a large body.
    continue_ = {};
    continue_.version(11);
    continue_.result(http::status::continue_);
    http::async_write(
        stream_, continue_,
        [self = shared_from_this()](beast::error_code ec2, std::size_t) {
          if (self->state_ == State::kClosed) {
            return;
          }
          if (ec2) {
            self->OnReadError(ec2);
            return;
          }
          self->ReadBody();
        });
    return;
  }
  ReadBody();
}

void HttpSession::ReadBody() {
  if (parser_->is_done()) {
    OnRead({}, 0);
    return;
  }
  http::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(beast::error_code ec, std::size_t) {
  if (state_ == State::kClosed) {
    return;
  }
  if (ec) {
    OnReadError(ec);
    return;
  }
  Dispatch();
}

void HttpSession::OnReadError(beast::error_code ec) {
  if (ec == asio::error::operation_aborted) {
    return;  // we closed it
  }
  if (ec == http::error::end_of_stream || IsPeerGone(ec) ||
      ec == http::error::partial_message) {
    Close();  // the client went away
    return;
  }
  if (ec == beast::error::timeout) {
    if (reading_head_) {
      ctx_->head_timeouts->Inc();
      CN_LOG(kDebug, "http")
          << remote_ << " request head not complete within "
          << ctx_->options.header_timeout.count() << " ms; closing";
    } else {
      CN_LOG(kDebug, "http") << remote_ << " read timeout; closing";
    }
    Close();
    return;
  }
  if (ec == http::error::body_limit) {
    FailRequest(413, "payload_too_large",
                "request body exceeds " +
                    std::to_string(ctx_->options.max_body_bytes) + " bytes");
    return;
  }
  if (ec == http::error::header_limit) {
    FailRequest(431, "request_header_fields_too_large",
                "request head exceeds " +
                    std::to_string(ctx_->options.max_header_bytes) + " bytes");
    return;
  }
  if (IsHttpParseError(ec)) {
    FailRequest(400, "bad_request", "malformed HTTP request: " + ec.message());
    return;
  }
  CN_LOG(kDebug, "http") << remote_ << " read failed: " << ec.message();
  Close();
}

// ---- handling ----

bool HttpSession::PeerClosed() {
  // Over TLS a close_notify record arrives before the FIN and reads as
  // data here, so a TLS client's close is seen once its FIN arrives.
  auto& socket = stream_.socket();
  if (!socket.is_open()) return true;
  char byte;
  const ssize_t n =
      ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return false;  // a pipelined request: the client is there
  if (n == 0) return true;  // orderly close
  return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

void HttpSession::Dispatch() {
  // The loop thread is busy until the handler returns (stall watchdog).
  IoLoops::RequestScope busy;
  state_ = State::kHandling;
  in_flight_ = true;
  ctx_->BeginRequest();
  request_start_ = Clock::now();
  ++seq_;
  auto& req = parser_->get();
  request_keep_alive_ = req.keep_alive();

  Request request;
  request.method = method_;
  request.target = raw_target_;
  request.remote_address = remote_;
  request.client_gone = [weak = weak_from_this()] {
    auto self = weak.lock();
    return !self || self->PeerClosed();
  };
  const TargetParts parts = SplitTarget(request.target);

  // Route first, so an unknown path is a 404 whatever else is wrong.
  bool head_as_get = false;
  Router::Match match =
      ctx_->FindRoute(request.method, parts.path, &head_as_get);
  head_request_ = request.method == "HEAD";
  if (match.handler == nullptr) {
    route_ = "unmatched";
    if (match.allowed_methods.empty()) {
      OnResponse(seq_, Response::Error(404, "not_found",
                                       "no route for " + request.method + " " +
                                           std::string(parts.path)));
      return;
    }
    std::string allow;
    for (const auto& m : match.allowed_methods) {
      if (!allow.empty()) {
        allow += ", ";
      }
      allow += m;
    }
    Response r = Response::Error(
        405, "method_not_allowed",
        request.method + " is not allowed here; allowed: " + allow);
    r.headers.emplace_back("Allow", allow);
    OnResponse(seq_, std::move(r));
    return;
  }
  route_ = match.pattern;

  auto path = PercentDecode(parts.path, /*plus_as_space=*/false);
  auto query = ParseQuery(parts.query);
  if (!path || !query) {
    OnResponse(seq_,
               Response::Error(400, "bad_request",
                               "malformed percent-encoding in the target"));
    return;
  }
  request.path = std::move(*path);
  request.query = std::move(*query);
  request.path_params = std::move(match.params);
  if (head_as_get) {
    request.method = "GET";  // the GET handler answers HEAD
  }
  for (const auto& field : req) {
    auto [it, inserted] = request.headers.emplace(
        ToLower(ToStd(field.name_string())), std::string(ToStd(field.value())));
    if (!inserted) {  // repeated header: combine as RFC 9110 allows
      it->second += ", ";
      it->second += ToStd(field.value());
    }
  }
  request.body = std::move(req.body());

  // Credentials -> request.access (net/auth.h), before any body decoding.
  {
    auto access = ctx_->authenticator->Authenticate(
        request,
        IsOpenRoute(route_, ctx_->authenticator->options().metrics_anonymous));
    if (!access) {
      OnResponse(seq_,
                 ctx_->authenticator->FailureResponse(request, access.error()));
      return;
    }
    request.access = std::move(*access);
  }

  if (auto error =
          DecodeContentEncoding(request, ctx_->options.max_body_bytes)) {
    OnResponse(seq_, std::move(*error));
    return;
  }

  auto state =
      std::make_shared<ResponderState>(ctx_->gate, weak_from_this(), seq_);
  Responder respond = [state](Response r) { state->Deliver(std::move(r)); };
  pending_self_ = shared_from_this();
  std::optional<Response> answered_inline;
  state->SetInlineSlot(&answered_inline);
  try {
    (*match.handler)(std::move(request), respond);
  } catch (const std::exception& e) {
    CN_LOG(kError, "http") << method_ << " " << target_
                           << ": handler threw: " << e.what();
    respond(Response::Error(500, "internal",
                            "internal error while handling the request"));
  } catch (...) {
    CN_LOG(kError, "http") << method_ << " " << target_
                           << ": handler threw a non-exception";
    respond(Response::Error(500, "internal",
                            "internal error while handling the request"));
  }
  state->SetInlineSlot(nullptr);
  if (answered_inline) {
    OnResponse(seq_, std::move(*answered_inline));
  }
  // If no copy of `respond` was kept or called, ResponderState's destructor
  // queues a 500 when the last copy goes (here, or later in the handler's
  // hands).
}

void HttpSession::OnResponse(uint64_t seq, Response response) {
  if (state_ != State::kHandling || seq != seq_) {
    return;  // stale or closed
  }
  pending_self_.reset();  // the posted handler still holds a reference
  Write(std::move(response), /*close=*/false);
}

void HttpSession::FailRequest(int status, std::string_view code,
                              std::string_view message) {
  route_ = "invalid";
  request_start_ = Clock::now();
  request_keep_alive_ = false;
  state_ = State::kHandling;
  Write(Response::Error(status, code, message), /*close=*/true);
}

}  // namespace citynexus::net
