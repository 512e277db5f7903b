// The byte stream under one HTTP connection: plain TCP or TLS over TCP,
// chosen when the connection is accepted. HttpSession talks only to this
// class, so plain and TLS connections share one read/dispatch/write path;
// the deadlines (beast::tcp_stream's timers) sit on the TCP layer under the
// TLS layer, so head, read and write timeouts apply to both alike.
//
// Satisfies Beast's AsyncReadStream and AsyncWriteStream concepts
// (get_executor, async_read_some, async_write_some with callback handlers).
//
// Thread-safety: none of its own; used only on its connection's strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <optional>
#include <utility>

namespace citynexus::net {

class SessionStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  // `tls` null: plain TCP. Otherwise the context (certificate) the
  // connection uses for its whole life; a later reload does not affect it.
  SessionStream(boost::asio::ip::tcp::socket socket,
                std::shared_ptr<boost::asio::ssl::context> tls)
      : tls_context_(std::move(tls)) {
    if (tls_context_) {
      tls_.emplace(std::move(socket), *tls_context_);
    } else {
      plain_.emplace(std::move(socket));
    }
  }

  bool is_tls() const { return tls_.has_value(); }
  executor_type get_executor() { return tcp().get_executor(); }
  boost::beast::tcp_stream& tcp() {
    return tls_ ? tls_->next_layer() : *plain_;
  }
  boost::asio::ip::tcp::socket& socket() { return tcp().socket(); }
  template <typename Duration>
  void expires_after(Duration d) {
    tcp().expires_after(d);
  }
  void expires_never() { tcp().expires_never(); }
  void close() { tcp().close(); }

  // The server side of the TLS handshake. Only when is_tls().
  template <typename Handler>
  void async_handshake(Handler&& handler) {
    tls_->async_handshake(boost::asio::ssl::stream_base::server,
                          std::forward<Handler>(handler));
  }

  template <typename MutableBuffers, typename Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_read_some(buffers, std::forward<Handler>(handler));
    }
  }
  template <typename ConstBuffers, typename Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_write_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_write_some(buffers, std::forward<Handler>(handler));
    }
  }

 private:
  std::shared_ptr<boost::asio::ssl::context> tls_context_;  // before tls_
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
};

// True for the ways a peer ends a connection that are not our problem:
// EOF, reset, and a TLS peer closing without close_notify (OpenSSL 3
// reports that as "unexpected eof while reading"; Asio 1.74 as
// stream_truncated or as a raw SSL error).
bool IsPeerGone(const boost::system::error_code& ec);

}  // namespace citynexus::net
