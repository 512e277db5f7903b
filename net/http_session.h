// One HTTP/1.1 connection, plain or TLS (SessionStream; a TLS connection
// first completes its handshake within http.header_timeout_ms): reads requests
// (with header/body limits and a read deadline), hands them to the routers,
// writes the responses, and keeps the connection alive between requests. A
// streaming response (Response::Stream) ends the request loop: the connection
// then only sends what its ResponseStream queues, until one side closes
// (http_session_stream.cc).
//
// Lifetime: owned by shared_ptrs held in pending Asio handlers, plus a
// self-reference while an async handler has not answered yet (an outstanding
// Responder only holds a weak_ptr, so it cannot keep the socket alive past
// the io_context). Stop() clears that self-reference after the I/O threads
// are joined.
//
// Thread-safety: everything runs on the connection's strand, except the
// public Post*/Release methods, which are safe from any thread as documented.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/io_loops.h"
#include "net/net.h"
#include "net/server_context.h"
#include "net/session_stream.h"

namespace citynexus::net {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `socket` is bound to a strand of its I/O loop; `loop_ticket` counts the
  // connection on that loop while the session lives.
  HttpSession(boost::asio::ip::tcp::socket socket,
              std::shared_ptr<ServerContext> ctx,
              IoLoops::Ticket loop_ticket = {});
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Registers with the context and starts reading. Any thread.
  void Start();
  // Server is stopping: close at once when idle (between requests),
  // otherwise answer the current request with "Connection: close". Any
  // thread.
  void PostStop();
  // Grace period over: close the socket whatever the state. Any thread.
  void PostForceClose();
  // Delivers the response to request number `seq`. Any thread.
  void PostResponse(uint64_t seq, Response response);
  // Sends what a ResponseStream queued (streaming responses). Any thread.
  void PostStreamPump();
  // Drops the self-reference kept while a handler is pending. Only after
  // the I/O threads have been joined.
  void ReleaseAfterStop();
  // The connection's strand; handlers posted here run after earlier ones.
  const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  // kStreaming: the headers of a streaming response are sent; the body
  // follows as the ResponseStream queues it (http_session_stream.cc).
  enum class State {
    kReading,
    kHandling,
    kWriting,
    kStreaming,
    kClosing,
    kClosed
  };
  using Clock = std::chrono::steady_clock;

  // TLS: the server handshake under the head deadline, then DoRead.
  void DoHandshake();
  void DoRead();
  // Reads the request head under header_timeout (from its first byte).
  void ReadHead();
  void OnReadHeader(boost::beast::error_code ec, std::size_t bytes);
  void ReadBody();
  void OnRead(boost::beast::error_code ec, std::size_t bytes);
  void OnReadError(boost::beast::error_code ec);
  void Dispatch();
  // True when the client has closed the connection (or it failed): a
  // non-blocking MSG_PEEK that reads nothing. Only on the session's strand.
  bool PeerClosed();
  void OnResponse(uint64_t seq, Response response);
  // Sends `response`; closes afterwards when `close` or the request asked.
  void Write(Response response, bool close);
  void OnWrite(bool close, boost::beast::error_code ec, std::size_t bytes);
  // Writes the access log line of the request just answered.
  void LogAccess(int status, size_t bytes, Clock::duration elapsed,
                 const boost::beast::error_code& ec);
  // The completion handler of Write (http_session_write.cc).
  struct WriteDone;
  // Answers a request that could not be read (400/413) and closes.
  void FailRequest(int status, std::string_view code, std::string_view message);
  // Half-closes, discards what the peer still sends for a short while (so
  // it can read our error instead of getting a reset), then closes.
  void DrainAndClose();
  void DoDrain();
  void Close();
  void FinishInFlight();

  // ---- streaming responses (http_session_stream.cc) ----
  // Sends the headers of `response` (made by Response::Stream), then opens
  // the stream.
  void StartStream(Response response);
  void OnStreamHeader(std::function<void(ResponseStream)> on_open,
                      size_t max_buffered_bytes, boost::beast::error_code ec);
  // Reads (and discards) from the client while streaming, so a disconnect
  // closes the stream at once instead of at the next write.
  void WatchStreamPeer();
  // Takes everything queued and writes it; after the last bytes of a
  // closing stream, ends the body and closes.
  void PumpStream();
  void OnStreamWrite(boost::beast::error_code ec, std::size_t bytes);
  // Marks the stream closed for its writers and drops what is queued.
  void CloseStreamState();

  std::shared_ptr<ServerContext> ctx_;
  IoLoops::Ticket loop_ticket_;
  SessionStream stream_;
  const boost::asio::any_io_executor executor_;  // the connection's strand
  boost::beast::flat_buffer buffer_;
  std::optional<
      boost::beast::http::request_parser<boost::beast::http::string_body>>
      parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  std::string drain_buffer_;
  // Streaming response state (kStreaming only).
  std::shared_ptr<ResponseStream::State> body_stream_;
  boost::beast::http::response<boost::beast::http::empty_body> stream_header_;
  std::optional<
      boost::beast::http::response_serializer<boost::beast::http::empty_body>>
      stream_serializer_;
  std::string stream_wire_;  // bytes of the socket write in progress
  bool stream_chunked_ = false;
  bool stream_writing_ = false;
  bool stream_ending_ = false;  // the final write is in progress
  size_t drained_bytes_ = 0;
  std::string remote_;
  uint64_t id_ = 0;
  bool registered_ = false;

  State state_ = State::kReading;
  bool stopping_ = false;   // server Stop() seen; no further keep-alive
  bool in_flight_ = false;  // counted in ServerContext::in_flight
  uint64_t seq_ = 0;        // number of the current request
  std::shared_ptr<HttpSession> pending_self_;  // while a handler is pending

  // The current request, for the access log and metrics.
  std::string method_ = "-";
  std::string target_ = "-";  // for logs: ?p= scrubbed
  std::string raw_target_;    // as sent, for the handler
  std::string route_;
  bool request_keep_alive_ = false;
  bool head_request_ = false;  // send headers only
  bool reading_head_ = false;  // a timeout now is a head timeout
  Clock::time_point request_start_;
};

}  // namespace citynexus::net
