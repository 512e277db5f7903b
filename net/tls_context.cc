// MakeServerTlsContext and IsPeerGone; see tls_context.h and
// session_stream.h.
#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "net/session_stream.h"

namespace citynexus::net {
namespace ssl = boost::asio::ssl;

namespace {
// OpenSSL's queue holds the detail (e.g. "key values mismatch"); Asio's
// error_code only the last entry. Drains the queue into one line.
std::string DrainOpenSslErrors(const boost::system::error_code& ec) {
  std::string out = ec.message();
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += "; ";
    out += buf;
  }
  return out;
}
}  // namespace

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file) {
  ERR_clear_error();
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  if (ec || SSL_CTX_set_min_proto_version(ctx->native_handle(),
                                          TLS1_2_VERSION) != 1) {
    return Status::IOError("cannot set TLS 1.2 minimum: " +
                           DrainOpenSslErrors(ec));
  }
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Status::InvalidArgument("http.tls.cert_file \"" + cert_file +
                                   "\": " + DrainOpenSslErrors(ec));
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return Status::InvalidArgument("http.tls.key_file \"" + key_file +
                                   "\": " + DrainOpenSslErrors(ec));
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return Status::InvalidArgument("http.tls.key_file \"" + key_file +
                                   "\" does not match the certificate in \"" +
                                   cert_file + "\"");
  }
  return ctx;
}

bool IsPeerGone(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::eof ||
      ec == boost::asio::error::connection_reset ||
      ec == boost::asio::error::broken_pipe ||
      ec == ssl::error::stream_truncated) {
    return true;
  }
  return ec.category() == boost::asio::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
             SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

}  // namespace citynexus::net
