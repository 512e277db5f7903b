// HttpSession, second half: writing responses (in request order, gzip and
// streams decided in Dispatch) and closing the connection, with the drain
// that lets an error answer reach the client. See http_session.h; the
// reading and dispatching half is http_session.cc.
#include <algorithm>
#include <boost/asio/post.hpp>
#include <charconv>

#include "common/log.h"
#include "net/http_session.h"

namespace citynexus::net {
namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::asio::ip::tcp;

namespace {
// How long a connection we are closing after an error keeps reading (and
// discarding) what the client still sends, and how much at most. Closing a
// socket with unread input makes the kernel send a reset, which can destroy
// our 413/400 before the client reads it.
constexpr auto kDrainTime = std::chrono::seconds(1);
constexpr size_t kMaxDrainBytes = 8u << 20;
}  // namespace

// Completion of a response write. Marked as a continuation of the request
// it answers, so that when the socket takes the whole response at once (a
// small answer: the usual case), Asio queues the completion on this thread
// instead of waking another I/O thread to run it.
struct HttpSession::WriteDone {
  std::shared_ptr<HttpSession> session;
  bool close;
  void operator()(beast::error_code ec, std::size_t bytes) const {
    session->OnWrite(close, ec, bytes);
  }
  friend bool asio_handler_is_continuation(WriteDone*) { return true; }
};

// ---- writing ----

// The access log line, built without an ostringstream (one per request
// showed in profiles): `remote "METHOD target" status bytes 0.123ms`.
void HttpSession::LogAccess(int status, size_t bytes, Clock::duration elapsed,
                            const beast::error_code& ec) {
  std::string line;
  line.reserve(remote_.size() + method_.size() + target_.size() + 48);
  line += remote_;
  line += " \"";
  line += method_;
  line += ' ';
  line += target_;
  line += "\" ";
  char number[32];
  auto put = [&](auto value, auto... format) {
    const auto r =
        std::to_chars(number, number + sizeof(number), value, format...);
    line.append(number, r.ptr);
  };
  put(status);
  line += ' ';
  put(bytes);
  line += ' ';
  put(std::chrono::duration<double, std::milli>(elapsed).count(),
      std::chars_format::fixed, 3);
  line += "ms";
  if (ec) {
    line += " (write failed: ";
    line += ec.message();
    line += ')';
  }
  LogLine(LogLevel::kInfo, "http", line);
}

void HttpSession::Write(Response response, bool close) {
  if (response.on_stream_open && !head_request_ && !close) {
    StartStream(std::move(response));
    return;
  }
  state_ = State::kWriting;
  const bool keep_alive = !close && request_keep_alive_ && !stopping_;
  int status = response.status;
  if (status < 100 || status > 599) {
    status = 500;
  }
  const bool no_body = status < 200 || status == 204 || status == 304;
  if (no_body) {
    response.body.clear();
  }

  unsigned version = parser_ ? parser_->get().version() : 11;
  if (version != 10 && version != 11) {
    version = 11;
  }
  response_ = {};
  response_.version(version);
  response_.result(static_cast<unsigned>(status));
  response_.set(http::field::server, ctx_->server_header);
  if (!response.content_type.empty() && !no_body) {
    response_.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    response_.insert(name, value);
  }
  // HEAD: the headers of the GET response, Content-Length included, but no
  // body bytes on the wire.
  const size_t head_length = response.body.size();
  if (head_request_) {
    response.body.clear();
  }
  response_.body() = std::move(response.body);
  response_.keep_alive(keep_alive);
  response_.prepare_payload();  // cannot throw: no_body statuses are empty
  if (status < 200 || status == 204) {
    response_.erase(http::field::content_length);  // RFC 9110 8.6
  } else if (head_request_) {
    response_.content_length(head_length);
  }
  stream_.expires_after(ctx_->options.write_timeout);
  http::async_write(stream_, response_,
                    WriteDone{shared_from_this(), !keep_alive || close});
}

void HttpSession::OnWrite(bool close, beast::error_code ec, std::size_t) {
  const auto elapsed = Clock::now() - request_start_;
  const int status = static_cast<int>(response_.result_int());
  const size_t bytes = response_.body().size();
  if (LogEnabled(LogLevel::kInfo)) {
    LogAccess(status, bytes, elapsed, ec);
  }
  ctx_->RecordRequest(route_.empty() ? "unmatched" : route_, method_, status,
                      elapsed);
  FinishInFlight();
  if (state_ == State::kClosed) {
    return;
  }
  if (ec) {
    Close();
    return;
  }
  if (close) {
    // After a 400/413 the client may still be sending; read it away.
    if (route_ == "invalid") {
      DrainAndClose();
    } else {
      Close();
    }
    return;
  }
  DoRead();
}

// ---- closing ----

void HttpSession::DrainAndClose() {
  state_ = State::kClosing;
  if (stopping_) {
    Close();
    return;
  }
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(std::min<std::chrono::steady_clock::duration>(
      kDrainTime, ctx_->options.read_timeout));
  drain_buffer_.resize(size_t{16} * 1024);
  drained_bytes_ = 0;
  buffer_.clear();
  DoDrain();
}

void HttpSession::DoDrain() {
  stream_.async_read_some(
      boost::asio::buffer(drain_buffer_),
      [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        if (self->state_ != State::kClosing) {
          return;
        }
        self->drained_bytes_ += n;
        if (ec || self->drained_bytes_ > kMaxDrainBytes) {
          self->Close();
          return;
        }
        self->DoDrain();
      });
}

void HttpSession::Close() {
  if (state_ == State::kClosed) {
    return;
  }
  state_ = State::kClosed;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();  // also cancels the deadline timer
  FinishInFlight();
  CloseStreamState();
}

void HttpSession::FinishInFlight() {
  if (!in_flight_) {
    return;
  }
  in_flight_ = false;
  ctx_->EndRequest();
}

}  // namespace citynexus::net
