// Integration tests for HttpServer (net/http_server.cc, http_session.cc)
// over real loopback sockets: routing, errors, limits, gzip, keep-alive,
// concurrency, built-in routes and metrics.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "http_client_util.h"
#include "net/gzip.h"
#include "net/net.h"

namespace citynexus::net {
namespace {
using testing::ClientResponse;
using testing::Fetch;
using testing::TestClient;
using testing::TestServer;
using testing::WaitUntil;

// Requests are counted when their response has been written, which can be a
// moment after the client read it: poll /metrics for the expected line.
bool MetricsShow(uint16_t port, const std::string& line) {
  return WaitUntil([&] {
    auto m = Fetch(port, "GET", "/metrics");
    return m.has_value() && m->body.find(line) != std::string::npos;
  });
}

// Echoes what the server parsed, so tests can check decoding end to end.
Response Echo(const Request& req) {
  std::string body = "method=" + req.method + "\npath=" + req.path + "\n";
  for (const auto& [k, v] : req.path_params) {
    body += "param:" + k + "=" + v + "\n";
  }
  for (const auto& [k, v] : req.query) {
    body += "query:" + k + "=" + v + "\n";
  }
  body += "header:x-test=" + req.Header("x-test").value_or("<none>") + "\n";
  body += "body=" + req.body;
  return Response::Text(200, body);
}

TEST_CASE("server routes captures, decodes query and lower-cases headers",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/api/v1/items/{id}", Echo);
  REQUIRE(ts.Start().ok());
  auto r = Fetch(ts.port(), "GET",
                 "/api/v1/items/a%20b?from=2024-01-01T00%3A00&tag=x+y", "",
                 {{"X-Test", "Hello"}});
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(r->body ==
        "method=GET\npath=/api/v1/items/a b\nparam:id=a b\n"
        "query:from=2024-01-01T00:00\nquery:tag=x y\n"
        "header:x-test=Hello\nbody=");
  CHECK(r->Header("server") == "citynexus/dev");
  CHECK(r->Header("content-length") == std::to_string(r->body.size()));
  CHECK(r->Header("content-type") == "text/plain; charset=utf-8");
}

TEST_CASE("server answers unknown paths with a 404 JSON error",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/a", Echo);
  REQUIRE(ts.Start().ok());
  auto r = Fetch(ts.port(), "GET", "/nope");
  REQUIRE(r.has_value());
  CHECK(r->status == 404);
  CHECK(r->Header("content-type") == "application/json");
  CHECK(r->body ==
        "{\"error\":{\"code\":\"not_found\",\"message\":\"no route for GET "
        "/nope\"}}");
}

TEST_CASE("server answers a wrong method with 405 and an Allow header",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("POST", "/write", Echo);
  ts.router.Add("PUT", "/write", Echo);
  REQUIRE(ts.Start().ok());
  auto r = Fetch(ts.port(), "GET", "/write");
  REQUIRE(r.has_value());
  CHECK(r->status == 405);
  CHECK(r->Header("allow") == "POST, PUT");
  CHECK(r->body.find("\"code\":\"method_not_allowed\"") != std::string::npos);
  // Built-in routes report their methods too.
  r = Fetch(ts.port(), "POST", "/metrics", "x");
  REQUIRE(r.has_value());
  CHECK(r->status == 405);
  CHECK(r->Header("allow") == "GET, HEAD");
}

TEST_CASE("server rejects a body over max_body_bytes with 413 and closes",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("POST", "/write", Echo);
  ServerOptions o;
  o.max_body_bytes = 1024;
  REQUIRE(ts.Start(o).ok());

  auto ok = Fetch(ts.port(), "POST", "/write", std::string(1024, 'a'));
  REQUIRE(ok.has_value());
  CHECK(ok->status == 200);

  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  auto r = c.Send("POST", "/write", std::string(4096, 'b'));
  REQUIRE(r.has_value());
  CHECK(r->status == 413);
  CHECK(r->body.find("\"code\":\"payload_too_large\"") != std::string::npos);
  CHECK_FALSE(r->keep_alive);
  CHECK(c.WaitForClose(std::chrono::seconds(10)));
}

TEST_CASE("server rejects oversized headers with 431",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/a", Echo);
  ServerOptions o;
  o.max_header_bytes = 512;
  REQUIRE(ts.Start(o).ok());
  auto r =
      Fetch(ts.port(), "GET", "/a", "", {{"X-Big", std::string(2000, 'h')}});
  REQUIRE(r.has_value());
  CHECK(r->status == 431);
  CHECK(r->body.find("request head exceeds 512 bytes") != std::string::npos);
}

TEST_CASE("server answers malformed requests with a 400 JSON error",
          "[net][http][integration]") {
  TestServer ts;
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  REQUIRE(c.WriteRaw("GET /a HTTP/1.1\r\nHost x\r\n\r\n").ok());
  auto r = c.ReadResponse();
  REQUIRE(r.has_value());
  CHECK(r->status == 400);
  CHECK(r->body.find("\"code\":\"bad_request\"") != std::string::npos);
  CHECK(c.WaitForClose(std::chrono::seconds(10)));

  // A bad escape in the target of a matched route is a 400 too.
  auto bad = Fetch(ts.port(), "GET", "/healthz?x=%zz");
  REQUIRE(bad.has_value());
  CHECK(bad->status == 400);
}

TEST_CASE("server inflates gzip request bodies before the handler",
          "[net][http][integration]") {
  TestServer ts;
  std::string seen_encoding = "unset";
  ts.router.Add("POST", "/ingest", [&](const Request& req) {
    seen_encoding = req.Header("content-encoding").value_or("<none>");
    return Response::Text(200, req.body);
  });
  ServerOptions o;
  o.max_body_bytes = uint64_t{64} * 1024;
  REQUIRE(ts.Start(o).ok());

  std::string payload;
  for (int i = 0; i < 500; ++i) {
    payload += "traffic,sensor=K" + std::to_string(i) + " vehicles=14i\n";
  }
  auto r = Fetch(ts.port(), "POST", "/ingest", GzipDeflate(payload),
                 {{"Content-Encoding", "gzip"}});
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(r->body == payload);
  CHECK(seen_encoding == "<none>");

  SECTION("bad gzip is a 400") {
    auto bad = Fetch(ts.port(), "POST", "/ingest", "not gzip at all",
                     {{"Content-Encoding", "gzip"}});
    REQUIRE(bad.has_value());
    CHECK(bad->status == 400);
    CHECK(bad->body.find("gzip") != std::string::npos);
  }
  SECTION("inflated size is bounded by max_body_bytes") {
    const std::string bomb = GzipDeflate(std::string(size_t{200} * 1024, 'z'));
    REQUIRE(bomb.size() < o.max_body_bytes);
    auto big = Fetch(ts.port(), "POST", "/ingest", bomb,
                     {{"Content-Encoding", "gzip"}});
    REQUIRE(big.has_value());
    CHECK(big->status == 413);
  }
  SECTION("unknown encodings are a 415") {
    auto br =
        Fetch(ts.port(), "POST", "/ingest", "x", {{"Content-Encoding", "br"}});
    REQUIRE(br.has_value());
    CHECK(br->status == 415);
  }
}

TEST_CASE("server keeps a connection alive across several requests",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/who", [](const Request& req) {
    return Response::Text(200, req.remote_address);
  });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  std::string first_remote;
  for (int i = 0; i < 5; ++i) {
    auto r = c.Send("GET", "/who");
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
    CHECK(r->keep_alive);
    if (i == 0) {
      first_remote = r->body;
    }
    CHECK(r->body == first_remote);  // same client port: same connection
  }
  CHECK(first_remote.rfind("127.0.0.1:", 0) == 0);
  // Connection: close is honoured.
  auto last = c.Send("GET", "/who", "", {{"Connection", "close"}});
  REQUIRE(last.has_value());
  CHECK_FALSE(last->keep_alive);
  CHECK(c.WaitForClose(std::chrono::seconds(10)));
}

TEST_CASE("server answers 50 concurrent keep-alive clients correctly",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/square/{n}", [](const Request& req) {
    const long n = std::stol(req.path_params.at("n"));
    return Response::Text(200, std::to_string(n * n));
  });
  ServerOptions o;
  o.threads = 4;
  REQUIRE(ts.Start(o).ok());
  constexpr int kClients = 50;
  constexpr int kRequests = 8;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  threads.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      TestClient client;
      if (!client.Connect(ts.port()).ok()) {
        return;
      }
      for (int i = 0; i < kRequests; ++i) {
        const int n = c * 100 + i;
        auto r = client.Send("GET", "/square/" + std::to_string(n));
        if (r.has_value() && r->status == 200 &&
            r->body == std::to_string(long{n} * n)) {
          ++good;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(good.load() == kClients * kRequests);
  CHECK(MetricsShow(ts.port(),
                    "citynexus_http_requests_total{method=\"GET\",route=\"/"
                    "square/{n}\",status=\"200\"} 400\n"));
}

TEST_CASE("server serves /metrics with request counts and histograms",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/a", Echo);
  REQUIRE(ts.Start().ok());
  for (int i = 0; i < 3; ++i) {
    auto r = Fetch(ts.port(), "GET", "/a");
    REQUIRE(r.has_value());
    REQUIRE(r->status == 200);
  }
  REQUIRE(Fetch(ts.port(), "DELETE", "/a")->status == 405);
  REQUIRE(Fetch(ts.port(), "GET", "/zzz")->status == 404);
  // Each request is counted after its response was written, possibly after
  // the next request was answered: wait for every count, not just the last.
  for (const char* line :
       {"citynexus_http_requests_total{method=\"GET\",route=\"unmatched\","
        "status=\"404\"} 1\n",
        "citynexus_http_requests_total{method=\"DELETE\",route=\"unmatched\","
        "status=\"405\"} 1\n",
        "citynexus_http_requests_total{method=\"GET\",route=\"/a\","
        "status=\"200\"} 3\n"}) {
    REQUIRE(MetricsShow(ts.port(), line));
  }
  auto m = Fetch(ts.port(), "GET", "/metrics");
  REQUIRE(m.has_value());
  CHECK(m->status == 200);
  CHECK(m->Header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
  const std::string& t = m->body;
  CHECK(t.find("# TYPE citynexus_http_requests_total counter\n") !=
        std::string::npos);
  CHECK(t.find("citynexus_http_requests_total{method=\"GET\",route=\"/a\","
               "status=\"200\"} 3\n") != std::string::npos);
  CHECK(t.find("citynexus_http_requests_total{method=\"DELETE\",route="
               "\"unmatched\",status=\"405\"} 1\n") != std::string::npos);
  CHECK(t.find("citynexus_http_requests_total{method=\"GET\",route="
               "\"unmatched\",status=\"404\"} 1\n") != std::string::npos);
  CHECK(t.find("citynexus_http_request_duration_seconds_count{route=\"/a\"} "
               "3\n") != std::string::npos);
  CHECK(t.find("citynexus_http_request_duration_seconds_bucket{route=\"/a\","
               "le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(t.find("# TYPE citynexus_uptime_seconds gauge\n") != std::string::npos);
  // Once earlier connections are torn down, only the scrape's own is open.
  CHECK(MetricsShow(ts.port(), "citynexus_http_connections_active 1\n"));
}

TEST_CASE("server reports health checks on /healthz with 200 or 503",
          "[net][http][integration]") {
  TestServer ts;
  std::atomic<bool> store_ok{true};
  REQUIRE(ts.Start().ok());
  ts.server->AddHealthCheck("store", [&]() -> Status {
    if (store_ok) {
      return Status::Ok();
    }
    return Status::Unavailable("rocksdb closed");
  });
  auto r = Fetch(ts.port(), "GET", "/healthz");
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(r->body ==
        "{\"status\":\"ok\",\"checks\":{\"store\":{\"status\":\"ok\"}}}");
  store_ok = false;
  r = Fetch(ts.port(), "GET", "/healthz");
  REQUIRE(r.has_value());
  CHECK(r->status == 503);
  CHECK(r->body ==
        "{\"status\":\"fail\",\"checks\":{\"store\":{\"status\":\"fail\","
        "\"code\":\"unavailable\",\"message\":\"rocksdb closed\"}}}");
}

TEST_CASE("server serves its name and version", "[net][http][integration]") {
  TestServer ts;
  ServerOptions o;
  o.version = "1.2.3";
  REQUIRE(ts.Start(o).ok());
  auto r = Fetch(ts.port(), "GET", "/api/v1/version");
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(r->body == "{\"name\":\"citynexus\",\"version\":\"1.2.3\"}");
  CHECK(r->Header("server") == "citynexus/1.2.3");
}

TEST_CASE("server turns handler exceptions into 500 JSON errors",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/boom", [](const Request&) -> Response {
    throw std::runtime_error("kaboom");
  });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  auto r = c.Send("GET", "/boom");
  REQUIRE(r.has_value());
  CHECK(r->status == 500);
  CHECK(r->body.find("\"code\":\"internal\"") != std::string::npos);
  // The connection survives and serves the next request.
  auto next = c.Send("GET", "/api/v1/version");
  REQUIRE(next.has_value());
  CHECK(next->status == 200);
}

TEST_CASE("server sends 100 Continue when the client expects it",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("POST", "/p", [](const Request& req) {
    return Response::Text(200, std::to_string(req.body.size()));
  });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  REQUIRE(c.WriteRaw("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                     "Expect: 100-continue\r\n\r\n")
              .ok());
  auto cont = c.ReadResponse();
  REQUIRE(cont.has_value());
  CHECK(cont->status == 100);
  REQUIRE(c.WriteRaw("hello").ok());
  auto r = c.ReadResponse();
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(r->body == "5");
}

TEST_CASE("server omits Content-Length on 204 and keeps the connection",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("POST", "/w",
                [](const Request&) { return Response::NoContent(); });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  for (int i = 0; i < 2; ++i) {
    auto r = c.Send("POST", "/w", "x=1");
    REQUIRE(r.has_value());
    CHECK(r->status == 204);
    CHECK(r->body.empty());
    CHECK(r->Header("content-length").empty());
  }
}

TEST_CASE("server answers HEAD with the GET route's headers and no body",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/doc", [](const Request& req) {
    return Response::Text(200, "method seen: " + req.method);
  });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  auto head = c.Send("HEAD", "/doc");
  REQUIRE(head.has_value());
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(head->Header("content-length") ==
        std::to_string(std::string("method seen: GET").size()));
  // The connection is still in sync: no stray body bytes were sent.
  auto get = c.Send("GET", "/doc");
  REQUIRE(get.has_value());
  CHECK(get->body == "method seen: GET");
  auto missing = c.Send("HEAD", "/nothing");
  REQUIRE(missing.has_value());
  CHECK(missing->status == 404);
  CHECK(missing->body.empty());
}

TEST_CASE("server answers pipelined requests in order",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/n/{n}", [](const Request& req) {
    return Response::Text(200, req.path_params.at("n"));
  });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  REQUIRE(c.WriteRaw("GET /n/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /n/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /n/3 HTTP/1.1\r\nHost: x\r\n\r\n")
              .ok());
  for (const char* want : {"1", "2", "3"}) {
    auto r = c.ReadResponse();
    REQUIRE(r.has_value());
    CHECK(r->body == want);
  }
}

TEST_CASE("a handler sees when its client has disconnected",
          "[net][http][integration]") {
  TestServer ts;
  std::atomic<bool> entered{false}, done{false};
  std::atomic<bool> gone_at_start{true}, gone_later{false};
  ts.router.Add("GET", "/slow", [&](const Request& req) {
    gone_at_start = req.client_gone();
    entered = true;
    // Long work that polls, as a query does between series (bounded).
    gone_later = WaitUntil([&] { return req.client_gone(); });
    done = true;
    return Response::Text(200, "nobody reads this");
  });
  REQUIRE(ts.Start().ok());
  {
    TestClient c;
    REQUIRE(c.Connect(ts.port()).ok());
    REQUIRE(c.WriteRaw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n").ok());
    REQUIRE(WaitUntil([&] { return entered.load(); }));
  }  // the client closes its socket here
  REQUIRE(WaitUntil([&] { return done.load(); }));
  CHECK_FALSE(gone_at_start);
  CHECK(gone_later);
}

TEST_CASE("a pipelined request does not look like a disconnect",
          "[net][http][integration]") {
  TestServer ts;
  std::atomic<int> gone_seen{0};
  ts.router.Add("GET", "/probe", [&](const Request& req) {
    if (req.client_gone()) ++gone_seen;
    return Response::Text(200, "ok");
  });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  REQUIRE(c.WriteRaw("GET /probe HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /probe HTTP/1.1\r\nHost: x\r\n\r\n")
              .ok());
  for (int i = 0; i < 2; ++i) {
    auto r = c.ReadResponse();
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
  }
  CHECK(gone_seen == 0);
}

}  // namespace
}  // namespace citynexus::net
