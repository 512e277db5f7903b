// Server-side TLS contexts for HttpServer: built from a PEM certificate
// chain and private key, TLS 1.2 minimum.
//
// Thread-safety: stateless function; the returned context is immutable once
// built and may be shared by any number of connections.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "common/status.h"

namespace citynexus::net {

// Loads `cert_file` (PEM chain, leaf first) and `key_file` (PEM key) and
// checks that they belong together. The error names the file and OpenSSL's
// reason.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace citynexus::net
