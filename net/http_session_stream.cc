// HttpSession's streaming responses (Response::Stream): headers first, then
// the body in pieces as its ResponseStream queues them, until the handler
// closes the stream, the client goes away, a write times out or the server
// stops. See http_session.h and response_stream.h.
//
// Timers: beast::tcp_stream keeps one deadline for reads and one for writes
// and expires_after() only changes the one without a pending operation. The
// peer watch (a read) runs with no deadline; every body write sets the
// write deadline before it starts, which is legal because it only happens
// when no other write is pending.
#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <iomanip>
#include <sstream>
#include <utility>

#include "common/log.h"
#include "net/http_session.h"
#include "net/response_stream.h"

namespace citynexus::net {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;

namespace {
// A closing stream gets at most this long to send its last bytes.
constexpr std::chrono::milliseconds kCloseFlushTime{5000};

void AppendChunk(std::string& wire, std::string_view data) {
  std::ostringstream size;
  size << std::hex << data.size();
  wire += size.str();
  wire += "\r\n";
  wire += data;
  wire += "\r\n";
}
}  // namespace

void HttpSession::PostStreamPump() {
  asio::post(executor_, [self = shared_from_this()] { self->PumpStream(); });
}

void HttpSession::StartStream(Response response) {
  state_ = State::kStreaming;
  unsigned version = parser_ ? parser_->get().version() : 11;
  if (version != 10 && version != 11) {
    version = 11;
  }
  stream_chunked_ = version == 11;
  stream_header_ = {};
  stream_header_.version(version);
  stream_header_.result(http::status::ok);
  stream_header_.set(http::field::server, ctx_->server_header);
  stream_header_.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) {
    stream_header_.insert(name, value);
  }
  // The body ends with the connection (HTTP/1.0) or with the last chunk;
  // either way the connection is not reused.
  stream_header_.keep_alive(false);
  if (stream_chunked_) {
    stream_header_.chunked(true);
  }
  stream_serializer_.emplace(stream_header_);
  const size_t max_bytes = response.stream_max_buffered_bytes;
  stream_.expires_after(ctx_->options.write_timeout);
  http::async_write_header(stream_, *stream_serializer_,
                           [self = shared_from_this(), max_bytes,
                            on_open = std::move(response.on_stream_open)](
                               beast::error_code ec, std::size_t) mutable {
                             self->OnStreamHeader(std::move(on_open), max_bytes,
                                                  ec);
                           });
}

void HttpSession::OnStreamHeader(std::function<void(ResponseStream)> on_open,
                                 size_t max_buffered_bytes,
                                 beast::error_code ec) {
  const auto elapsed = Clock::now() - request_start_;
  CN_LOG(kInfo, "http")
      << remote_ << " \"" << method_ << " " << target_ << "\" 200 stream "
      << std::fixed << std::setprecision(3)
      << std::chrono::duration<double, std::milli>(elapsed).count() << "ms"
      << (ec ? " (write failed: " + ec.message() + ")" : "");
  ctx_->RecordRequest(route_.empty() ? "unmatched" : route_, method_, 200,
                      elapsed);
  // The request is answered; an open stream must not hold up Stop().
  FinishInFlight();
  if (state_ != State::kStreaming) {
    return;  // closed meanwhile
  }
  if (ec || stopping_) {
    Close();
    return;
  }
  stream_.expires_never();
  body_stream_ = std::make_shared<ResponseStream::State>(
      max_buffered_bytes, ctx_->gate, weak_from_this());
  try {
    on_open(ResponseStream(body_stream_));
  } catch (const std::exception& e) {
    CN_LOG(kError, "http") << method_ << " " << target_
                           << ": stream open handler threw: " << e.what();
    Close();
    return;
  } catch (...) {
    CN_LOG(kError, "http") << method_ << " " << target_
                           << ": stream open handler threw a non-exception";
    Close();
    return;
  }
  WatchStreamPeer();
  PumpStream();  // bytes written by on_open
}

void HttpSession::WatchStreamPeer() {
  drain_buffer_.resize(size_t{4} * 1024);
  stream_.async_read_some(
      asio::buffer(drain_buffer_),
      [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (self->state_ != State::kStreaming) {
          return;
        }
        if (ec) {
          // EOF or reset: the client went away. A timeout here means a
          // write deadline fired; the write reports it too.
          CN_LOG(kDebug, "http")
              << self->remote_
              << " stream closed by the peer: " << ec.message();
          self->Close();
          return;
        }
        self->WatchStreamPeer();  // a client has nothing to say; ignore it
      });
}

void HttpSession::PumpStream() {
  if (state_ != State::kStreaming || !body_stream_ || stream_writing_) {
    return;  // OnStreamWrite pumps again after the write in progress
  }
  std::string data;
  bool closing = false;
  {
    MutexLock lock(&body_stream_->mu);
    data.swap(body_stream_->queued);
    body_stream_->in_write = data.size();
    body_stream_->pump_posted = false;
    closing = body_stream_->closing;
  }
  stream_wire_.clear();
  if (!data.empty()) {
    if (stream_chunked_) {
      AppendChunk(stream_wire_, data);
    } else {
      stream_wire_ = std::move(data);
    }
  } else if (closing) {
    if (!stream_chunked_) {
      Close();
      return;
    }
    stream_wire_ = "0\r\n\r\n";  // the last chunk ends the body
    stream_ending_ = true;
  } else {
    return;  // nothing to send
  }
  stream_writing_ = true;
  stream_.expires_after(closing
                            ? std::min<std::chrono::milliseconds>(
                                  ctx_->options.write_timeout, kCloseFlushTime)
                            : ctx_->options.write_timeout);
  asio::async_write(stream_, asio::buffer(stream_wire_),
                    beast::bind_front_handler(&HttpSession::OnStreamWrite,
                                              shared_from_this()));
}

void HttpSession::OnStreamWrite(beast::error_code ec, std::size_t) {
  stream_writing_ = false;
  if (body_stream_) {
    MutexLock lock(&body_stream_->mu);
    body_stream_->in_write = 0;
  }
  if (state_ != State::kStreaming) {
    return;
  }
  if (ec) {
    CN_LOG(kDebug, "http") << remote_
                           << " stream write failed: " << ec.message();
    Close();
    return;
  }
  if (stream_ending_) {
    Close();
    return;
  }
  PumpStream();
}

void HttpSession::CloseStreamState() {
  if (!body_stream_) {
    return;
  }
  MutexLock lock(&body_stream_->mu);
  body_stream_->closing = true;
  body_stream_->closed = true;
  body_stream_->queued.clear();
  body_stream_->in_write = 0;
}

}  // namespace citynexus::net
