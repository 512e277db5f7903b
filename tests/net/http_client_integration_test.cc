// net::HttpClient against real servers on loopback: citynexus' own
// HttpServer (plain HTTP) and, for https://, a small Beast TLS server using a
// self-signed certificate made with the openssl command line tool.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "http_client_util.h"
#include "net/gzip.h"
#include "net/net.h"
#include "support/temp_dir.h"

namespace citynexus::net {
namespace {

using testing::TestServer;

std::string Url(uint16_t port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

ClientRequest Get(std::string url,
                  std::vector<std::pair<std::string, std::string>> h = {}) {
  ClientRequest r;
  r.url = std::move(url);
  r.headers = std::move(h);
  return r;
}

// Routes shared by the plain-HTTP tests.
void AddRoutes(Router& router) {
  router.Add("GET", "/hello",
             [](const Request&) { return Response::Text(200, "hello"); });
  router.Add("GET", "/gz", [](const Request& r) {
    Response out =
        Response::Text(200, GzipDeflate(std::string(5000, 'z')), "text/plain");
    if (r.Header("accept-encoding").value_or("").find("gzip") !=
        std::string::npos) {
      out.headers.emplace_back("Content-Encoding", "gzip");
    } else {
      out.body = "client did not offer gzip";
    }
    return out;
  });
  router.Add("GET", "/bad-gz", [](const Request&) {
    Response out = Response::Text(200, "not gzip at all");
    out.headers.emplace_back("Content-Encoding", "gzip");
    return out;
  });
  router.Add("GET", "/hop/{n}", [](const Request& r) {
    const int n = std::stoi(r.path_params.at("n"));
    if (n == 0) return Response::Text(200, "arrived");
    Response out = Response::Text(302, "");
    // Relative Location: resolved against the current URL.
    out.headers.emplace_back("Location", std::to_string(n - 1));
    return out;
  });
  router.Add("POST", "/see-other", [](const Request&) {
    Response out = Response::Text(303, "");
    out.headers.emplace_back("Location", "/method");
    return out;
  });
  router.Add("GET", "/method", [](const Request& r) {
    return Response::Text(200, r.method + ":" + r.body);
  });
  router.Add("GET", "/big", [](const Request&) {
    return Response::Text(200, std::string(4096, 'b'));
  });
  router.Add("GET", "/etag", [](const Request& r) {
    if (r.Header("if-none-match") == std::optional<std::string>("\"v1\"")) {
      return Response::Text(304, "");
    }
    Response out = Response::Text(200, "fresh");
    out.headers.emplace_back("ETag", "\"v1\"");
    return out;
  });
  router.Add("GET", "/status/{code}", [](const Request& r) {
    return Response::Text(std::stoi(r.path_params.at("code")), "status");
  });
}

TEST_CASE("HttpClient fetches, follows redirects and reports statuses",
          "[net][client][integration]") {
  TestServer s;
  AddRoutes(s.router);
  REQUIRE(s.Start().ok());
  HttpClient client;

  auto hello = client.FetchSync(Get(Url(s.port(), "/hello")));
  REQUIRE(hello.has_value());
  CHECK(hello->status == 200);
  CHECK(hello->body == "hello");
  CHECK(hello->Header("content-type") ==
        std::optional<std::string>("text/plain; charset=utf-8"));
  CHECK(hello->final_url == Url(s.port(), "/hello"));

  auto hops = client.FetchSync(Get(Url(s.port(), "/hop/3")));
  REQUIRE(hops.has_value());
  CHECK(hops->status == 200);
  CHECK(hops->body == "arrived");
  CHECK(hops->final_url == Url(s.port(), "/hop/0"));

  auto too_many = client.FetchSync(Get(Url(s.port(), "/hop/9")));
  REQUIRE_FALSE(too_many.has_value());
  CHECK(too_many.error().code() == StatusCode::kIOError);
  CHECK_THAT(too_many.error().message(), Catch::Contains("more than 5"));

  ClientRequest post = Get(Url(s.port(), "/see-other"));
  post.method = "POST";
  post.body = "payload";
  auto see_other = client.FetchSync(post);
  REQUIRE(see_other.has_value());
  CHECK(see_other->body == "GET:");  // 303 turns into a GET without body

  auto server_error = client.FetchSync(Get(Url(s.port(), "/status/503")));
  REQUIRE(server_error.has_value());
  CHECK(server_error->status == 503);

  auto missing = client.FetchSync(Get(Url(s.port(), "/nope")));
  REQUIRE(missing.has_value());
  CHECK(missing->status == 404);
}

TEST_CASE("HttpClient offers gzip, inflates it and bounds the body",
          "[net][client][integration]") {
  TestServer s;
  AddRoutes(s.router);
  REQUIRE(s.Start().ok());
  ClientOptions options;
  options.max_body_bytes = 4000;
  HttpClient client(options);

  auto small_limit = client.FetchSync(Get(Url(s.port(), "/gz")));
  REQUIRE_FALSE(small_limit.has_value());  // 5000 bytes once inflated
  CHECK(small_limit.error().code() == StatusCode::kResourceExhausted);

  auto big = client.FetchSync(Get(Url(s.port(), "/big")));
  INFO((big.has_value() ? std::to_string(big->body.size()) + " " +
                              std::to_string(big->status)
                        : big.error().ToString()));
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().code() == StatusCode::kResourceExhausted);

  auto bad = client.FetchSync(Get(Url(s.port(), "/bad-gz")));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == StatusCode::kIOError);

  HttpClient roomy;
  auto gz = roomy.FetchSync(Get(Url(s.port(), "/gz")));
  REQUIRE(gz.has_value());
  CHECK(gz->body == std::string(5000, 'z'));
  CHECK_FALSE(gz->Header("content-encoding").has_value());
}

TEST_CASE("HttpClient sends conditional headers and returns 304 as is",
          "[net][client][integration]") {
  TestServer s;
  AddRoutes(s.router);
  REQUIRE(s.Start().ok());
  HttpClient client;
  auto first = client.FetchSync(Get(Url(s.port(), "/etag")));
  REQUIRE(first.has_value());
  REQUIRE(first->status == 200);
  const std::string etag = first->Header("etag").value_or("");
  CHECK(etag == "\"v1\"");
  auto second =
      client.FetchSync(Get(Url(s.port(), "/etag"), {{"If-None-Match", etag}}));
  REQUIRE(second.has_value());
  CHECK(second->status == 304);
  CHECK(second->body.empty());
}

TEST_CASE("HttpClient reports refused connections, timeouts and bad URLs",
          "[net][client][integration]") {
  TestServer s;
  std::mutex mu;
  std::vector<Responder> parked;  // answered at the end of the test
  s.router.AddAsync("GET", "/hang", [&](Request, Responder respond) {
    std::lock_guard lock(mu);
    parked.push_back(std::move(respond));
  });
  ServerOptions server_options;
  server_options.shutdown_grace = std::chrono::milliseconds(100);
  REQUIRE(s.Start(server_options).ok());

  ClientOptions options;
  options.read_timeout = std::chrono::milliseconds(300);
  HttpClient client(options);

  auto hang = client.FetchSync(Get(Url(s.port(), "/hang")));
  REQUIRE_FALSE(hang.has_value());
  CHECK(hang.error().code() == StatusCode::kUnavailable);
  CHECK_THAT(hang.error().message(), Catch::Contains("timed out"));

  // A port nobody listens on: bind one, remember it, close it.
  uint16_t closed_port = 0;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor acceptor(
        ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = acceptor.local_endpoint().port();
  }
  auto refused = client.FetchSync(Get(Url(closed_port, "/")));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code() == StatusCode::kUnavailable);

  auto bad_url = client.FetchSync(Get("gopher://x/"));
  REQUIRE_FALSE(bad_url.has_value());
  CHECK(bad_url.error().code() == StatusCode::kInvalidArgument);

  // Shutdown cancels a request in flight; its callback still runs once.
  HttpClient patient;  // default 30 s read timeout
  std::promise<Status> finished;
  patient.Fetch(Get(Url(s.port(), "/hang")),
                [&finished](Result<ClientResponse> r) {
                  finished.set_value(r.status());
                });
  REQUIRE(testing::WaitUntil([&] {
    std::lock_guard lock(mu);
    return parked.size() == 2;
  }));
  patient.Shutdown();
  const Status cancelled = finished.get_future().get();
  CHECK(cancelled.code() == StatusCode::kUnavailable);
  CHECK_THAT(cancelled.message(), Catch::Contains("shut down"));
  auto after = patient.FetchSync(Get(Url(s.port(), "/hang")));
  REQUIRE_FALSE(after.has_value());
  CHECK(after.error().code() == StatusCode::kUnavailable);

  std::lock_guard lock(mu);
  for (Responder& r : parked) r(Response::Text(200, "late"));
}

// ---- https:// against a self-signed certificate ----

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;

// A one-thread TLS server answering every request with "secure <target>".
// Handshake failures (the client refusing our certificate) are counted.
class TlsServer {
 public:
  TlsServer(const std::string& cert, const std::string& key)
      : tls_(ssl::context::tls_server),
        acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    tls_.use_certificate_chain_file(cert);
    tls_.use_private_key_file(key, ssl::context::pem);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsServer() {
    stop_ = true;
    beast::error_code ec;
    // Wake the blocking accept with a connection of our own.
    asio::ip::tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int failed_handshakes() const { return failed_handshakes_; }

 private:
  void Serve() {
    while (!stop_) {
      beast::error_code ec;
      asio::ip::tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stop_) continue;
      beast::ssl_stream<asio::ip::tcp::socket> stream(std::move(socket), tls_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) {
        ++failed_handshakes_;
        continue;
      }
      beast::flat_buffer buffer;
      beast::http::request<beast::http::string_body> request;
      beast::http::read(stream, buffer, request, ec);
      if (ec) continue;
      beast::http::response<beast::http::string_body> response{
          beast::http::status::ok, 11};
      response.body() = "secure " + std::string(request.target());
      response.prepare_payload();
      beast::http::write(stream, response, ec);
      stream.shutdown(ec);
    }
  }

  asio::io_context ioc_;
  ssl::context tls_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::atomic<int> failed_handshakes_{0};
  std::thread thread_;
};

TEST_CASE("HttpClient verifies https:// peers: CA, host name and SNI",
          "[net][client][tls][integration]") {
  citynexus::testing::TempDir dir;
  const std::string cert = dir.str() + "/cert.pem";
  const std::string key = dir.str() + "/key.pem";
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
      "/CN=citynexus-test"
      " -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    WARN("openssl CLI unavailable; TLS test skipped");
    return;
  }
  TlsServer server(cert, key);
  const std::string port = std::to_string(server.port());

  SECTION("a certificate from the configured CA for the URL's host passes") {
    ClientOptions options;
    options.ca_file = cert;
    HttpClient client(options);
    auto r = client.FetchSync(Get("https://127.0.0.1:" + port + "/x?y=1"));
    INFO((r.has_value() ? "" : r.error().ToString()));
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
    CHECK(r->body == "secure /x?y=1");
  }
  SECTION("the system CA store does not trust a self-signed certificate") {
    HttpClient client;
    auto r = client.FetchSync(Get("https://127.0.0.1:" + port + "/"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == StatusCode::kUnavailable);
    CHECK_THAT(r.error().message(), Catch::Contains("TLS handshake"));
  }
  SECTION("a trusted certificate for another host name is refused") {
    ClientOptions options;
    options.ca_file = cert;
    HttpClient client(options);
    // localhost resolves to 127.0.0.1, but the certificate names only the IP.
    auto r = client.FetchSync(Get("https://localhost:" + port + "/"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == StatusCode::kUnavailable);
  }
  SECTION("an unreadable CA file fails https:// requests, naming the file") {
    ClientOptions options;
    options.ca_file = dir.str() + "/missing.pem";
    HttpClient client(options);
    auto r = client.FetchSync(Get("https://127.0.0.1:" + port + "/"));
    REQUIRE_FALSE(r.has_value());
    CHECK_THAT(r.error().message(), Catch::Contains("missing.pem"));
  }
}

}  // namespace
}  // namespace citynexus::net
