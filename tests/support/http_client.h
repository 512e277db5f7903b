// A tiny blocking HTTP/1.1 client for tests: one request per connection,
// plain POSIX sockets, so tests talk to the real server over loopback.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace citynexus::testing {

struct HttpReply {
  int status = 0;                              // 0 when the connection failed
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Sends `method target` to 127.0.0.1:port with `body` and extra header lines
// ("Content-Encoding: gzip\r\n"), waits for the whole response.
HttpReply HttpRequest(uint16_t port, const std::string& method,
                      const std::string& target, const std::string& body = "",
                      const std::string& extra_headers = "");

// The Authorization header value ("Bearer <secret>") added to every request
// of HttpRequest and SseClient whose extra headers carry none; empty: none.
// Servers deny by default (issue #10), so tests of other features give them
// an admin token this way. Process-global; set it before starting clients.
void SetDefaultAuthorization(std::string value);
std::string DefaultAuthorization();

}  // namespace citynexus::testing
