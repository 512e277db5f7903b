// Blocking test client and server fixture; see http_client_util.h.
#include "http_client_util.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <thread>

namespace citynexus::net::testing {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
std::string Lower(beast::string_view s) {
  std::string out(s.data(), s.size());
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}
}  // namespace

std::string ClientResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

TestClient::TestClient(std::chrono::milliseconds timeout)
    : stream_(ioc_), timeout_(timeout) {}

TestClient::~TestClient() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

Status TestClient::Connect(uint16_t port) {
  beast::error_code result;
  stream_.expires_after(timeout_);
  stream_.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port),
                        [&](beast::error_code ec) { result = ec; });
  ioc_.restart();
  ioc_.run();
  if (result) {
    return Status::Unavailable("connect: " + result.message());
  }
  return Status::Ok();
}

Status TestClient::WriteRaw(std::string_view bytes) {
  beast::error_code result;
  stream_.expires_after(timeout_);
  asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                    [&](beast::error_code ec, std::size_t) { result = ec; });
  ioc_.restart();
  ioc_.run();
  if (result) {
    return Status::IOError("write: " + result.message());
  }
  return Status::Ok();
}

Result<ClientResponse> TestClient::ReadResponse(bool head) {
  http::response_parser<http::string_body> parser;
  parser.skip(head);
  parser.body_limit(256u << 20);
  beast::error_code result;
  stream_.expires_after(timeout_);
  http::async_read(stream_, buffer_, parser,
                   [&](beast::error_code ec, std::size_t) { result = ec; });
  ioc_.restart();
  ioc_.run();
  if (result) {
    return Status::IOError("read: " + result.message());
  }
  auto& res = parser.get();
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  out.keep_alive = res.keep_alive();
  for (const auto& f : res) {
    out.headers[Lower(f.name_string())] =
        std::string(f.value().data(), f.value().size());
  }
  out.body = std::move(res.body());
  return out;
}

Result<ClientResponse> TestClient::Send(const std::string& method,
                                        const std::string& target,
                                        const std::string& body,
                                        const HeaderList& headers) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) {
    req.set(k, v);
  }
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.prepare_payload();
  }
  beast::error_code result;
  stream_.expires_after(timeout_);
  http::async_write(stream_, req,
                    [&](beast::error_code ec, std::size_t) { result = ec; });
  ioc_.restart();
  ioc_.run();
  if (result) {
    return Status::IOError("write: " + result.message());
  }
  return ReadResponse(method == "HEAD");
}

bool TestClient::WaitForClose(std::chrono::milliseconds within) {
  char byte;
  beast::error_code result;
  std::size_t n = 0;
  stream_.expires_after(within);
  stream_.async_read_some(asio::buffer(&byte, 1),
                          [&](beast::error_code ec, std::size_t got) {
                            result = ec;
                            n = got;
                          });
  ioc_.restart();
  ioc_.run();
  if (n > 0) {
    return false;
  }
  return result && result != beast::error::timeout;
}

Result<ClientResponse> Fetch(uint16_t port, const std::string& method,
                             const std::string& target, const std::string& body,
                             const HeaderList& headers) {
  TestClient client;
  CITYNEXUS_RETURN_IF_ERROR(client.Connect(port));
  return client.Send(method, target, body, headers);
}

Status TestServer::Start(ServerOptions options) {
  options.host = "127.0.0.1";
  options.port = 0;
  if (options.threads == 0) {
    options.threads = 2;
  }
  server = std::make_unique<HttpServer>(options, router, metrics);
  return server->Start();
}

}  // namespace citynexus::net::testing
