// Options http.*: the HTTP server (net::ServerOptions).
#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {

std::vector<Option<Config>> HttpSection() {
  using namespace builders;  // NOLINT: the table reads as a list of builders
  using C = Config;
  using H = net::ServerOptions;
  return {
      HostPortOption<C>(
          {"http.listen", "",
           "Address the HTTP server binds. Port 0 picks a free port (the "
           "bound port is logged). IPv6 hosts in brackets: \"[::1]:8080\"."},
          "127.0.0.1:8080",
          [](C& c, const HostPort& v) {
            c.http.host = v.host;
            c.http.port = v.port;
          },
          [](const C& c) { return FormatHostPort(c.http.host, c.http.port); }),
      Int<C>({"http.threads", "threads",
              "I/O threads serving HTTP; 0 = one per CPU core."},
             0, 0, 256, Member(&C::http, &H::threads)),
      Int<C>({"http.max_body_bytes", "bytes",
              "Largest accepted request body; larger requests get 413."},
             int64_t{32} << 20, 1024, int64_t{1} << 30,
             Member(&C::http, &H::max_body_bytes)),
      Int<C>({"http.read_timeout_ms", "ms",
              "How long a connection may take to send a complete request (and "
              "idle between keep-alive requests) before it is closed."},
             30000, 100, 3600000, Member(&C::http, &H::read_timeout)),
      Int<C>({"http.max_connections", "connections",
              "Open connections beyond which new ones get 503 with "
              "Retry-After: 1 and are closed at once (counted in "
              "citynexus_http_connections_rejected_total, logged once a "
              "second)."},
             1024, 1, 1000000, Member(&C::http, &H::max_connections)),
      Int<C>({"http.header_timeout_ms", "ms",
              "Time from the first byte of a request to the end of its head; "
              "a client that trickles its headers is closed when it passes "
              "(slowloris). Capped by http.read_timeout_ms."},
             10000, 100, 3600000, Member(&C::http, &H::header_timeout)),
      Int<C>({"http.max_header_bytes", "bytes",
              "Largest request head (request line and headers); larger "
              "requests get 431."},
             int64_t{64} << 10, 1024, int64_t{1} << 20,
             Member(&C::http, &H::max_header_bytes)),
      String<C>({"http.tls.cert_file", "path",
                 "PEM certificate chain (leaf first). With http.tls.key_file "
                 "the listener speaks HTTPS only (TLS 1.2 minimum; the "
                 "handshake must finish within http.header_timeout_ms). "
                 "SIGHUP reads both files again; a reload that fails keeps "
                 "the old certificate and logs why."},
                std::nullopt, Member(&C::http, &H::tls_cert_file)),
      String<C>({"http.tls.key_file", "path",
                 "PEM private key of http.tls.cert_file (set both or "
                 "neither)."},
                std::nullopt, Member(&C::http, &H::tls_key_file)),
  };
}

}  // namespace citynexus::app
