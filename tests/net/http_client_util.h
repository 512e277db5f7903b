// Test helpers for net/ integration tests: a small blocking HTTP/1.1 client
// on Beast with per-operation deadlines, and a fixture owning a Router,
// MetricsRegistry and HttpServer on 127.0.0.1, port 0.
//
// Thread-safety: a TestClient is used by one thread at a time; separate
// clients may run on separate threads.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "net/net.h"
#include "support/wait_until.h"

namespace citynexus::net::testing {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;
  // Header value or "" when absent.
  std::string Header(const std::string& lower_name) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class TestClient {
 public:
  explicit TestClient(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Connects to 127.0.0.1:port. kUnavailable when refused.
  Status Connect(uint16_t port);
  // Sends one request (keep-alive unless a Connection header says
  // otherwise) and reads the response.
  Result<ClientResponse> Send(const std::string& method,
                              const std::string& target,
                              const std::string& body = "",
                              const HeaderList& headers = {});
  // Writes raw bytes (for malformed or partial requests).
  Status WriteRaw(std::string_view bytes);
  // Reads one response; `head` for the answer to a HEAD request (no body).
  Result<ClientResponse> ReadResponse(bool head = false);
  // True when the server closes the connection (EOF or reset) within
  // `within`; false on timeout or when data arrives instead.
  bool WaitForClose(std::chrono::milliseconds within);

 private:
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::chrono::milliseconds timeout_;
};

// One request on a fresh connection.
Result<ClientResponse> Fetch(uint16_t port, const std::string& method,
                             const std::string& target,
                             const std::string& body = "",
                             const HeaderList& headers = {});

// Router + registry + server; fill `router` before Start().
struct TestServer {
  Router router;
  MetricsRegistry metrics;
  std::unique_ptr<HttpServer> server;

  // Starts on 127.0.0.1 with a free port, overriding host and port.
  Status Start(ServerOptions options = {});
  uint16_t port() const { return server->port(); }
};

// The shared poll-until helper (tests/support/wait_until.h).
using citynexus::testing::WaitUntil;

}  // namespace citynexus::net::testing
