// Integration tests for HttpServer timing and lifecycle: read timeouts,
// async responders on other threads, graceful and forced shutdown.
#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "http_client_util.h"
#include "net/net.h"

namespace citynexus::net {
namespace {
using namespace std::chrono_literals;
using testing::Fetch;
using testing::TestClient;
using testing::TestServer;
using testing::WaitUntil;

// Threads started by async handlers, joined by the test.
struct Workers {
  std::mutex mu;
  std::vector<std::thread> threads;
  void Run(std::function<void()> f) {
    std::lock_guard<std::mutex> lock(mu);
    threads.emplace_back(std::move(f));
  }
  ~Workers() {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& t : threads) {
      t.join();
    }
  }
};

TEST_CASE("server disconnects a client that does not finish its request",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.Add("GET", "/a",
                [](const Request&) { return Response::Text(200, "a"); });
  ServerOptions o;
  o.read_timeout = 200ms;
  REQUIRE(ts.Start(o).ok());
  SECTION("headers never finish") {
    TestClient c;
    REQUIRE(c.Connect(ts.port()).ok());
    REQUIRE(c.WriteRaw("GET /a HTTP/1.1\r\nHost: x\r\n").ok());  // no CRLF
    CHECK(c.WaitForClose(10s));
  }
  SECTION("body stops short of its Content-Length") {
    TestClient c;
    REQUIRE(c.Connect(ts.port()).ok());
    REQUIRE(c.WriteRaw("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100"
                       "\r\n\r\n0123456789")
                .ok());
    CHECK(c.WaitForClose(10s));
  }
  SECTION("an idle keep-alive connection") {
    TestClient c;
    REQUIRE(c.Connect(ts.port()).ok());
    REQUIRE(c.Send("GET", "/a")->status == 200);
    CHECK(c.WaitForClose(10s));
  }
  // A complete request still works.
  auto r = Fetch(ts.port(), "GET", "/a");
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
}

TEST_CASE("server accepts responses from another thread",
          "[net][http][integration]") {
  Workers workers;
  TestServer ts;
  std::atomic<std::thread::id> handler_thread{};
  std::atomic<std::thread::id> responder_thread{};
  ts.router.AddAsync("GET", "/later/{v}", [&](Request req, Responder respond) {
    handler_thread = std::this_thread::get_id();
    workers.Run([&, req = std::move(req), respond = std::move(respond)] {
      responder_thread = std::this_thread::get_id();
      respond(Response::Text(201, "v=" + req.path_params.at("v")));
    });
  });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  for (int i = 0; i < 3; ++i) {
    auto r = c.Send("GET", "/later/" + std::to_string(i));
    REQUIRE(r.has_value());
    CHECK(r->status == 201);
    CHECK(r->body == "v=" + std::to_string(i));
    CHECK(r->keep_alive);
  }
  CHECK(handler_thread.load() != responder_thread.load());
}

// Synchronous handlers are answered inline on the I/O thread, others
// through a post from wherever they respond: on one keep-alive connection,
// pipelined or not, the answers still come back one per request, in order.
TEST_CASE("inline and posted answers interleave in request order",
          "[net][http][integration]") {
  Workers workers;
  TestServer ts;
  ts.router.Add("GET", "/now/{v}", [](const Request& req) {
    return Response::Text(200, "now=" + req.path_params.at("v"));
  });
  ts.router.AddAsync("GET", "/later/{v}", [&](Request req, Responder respond) {
    workers.Run([req = std::move(req), respond = std::move(respond)] {
      std::this_thread::sleep_for(5ms);
      respond(Response::Text(200, "later=" + req.path_params.at("v")));
    });
  });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  for (int i = 0; i < 4; ++i) {
    const std::string path = (i % 2 == 0 ? "/now/" : "/later/");
    auto r = c.Send("GET", path + std::to_string(i));
    REQUIRE(r.has_value());
    CHECK(r->body == (i % 2 == 0 ? "now=" : "later=") + std::to_string(i));
  }
  std::string pipelined;
  for (int i = 0; i < 4; ++i) {
    pipelined += std::string("GET ") + (i % 2 == 0 ? "/later/" : "/now/") +
                 std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  REQUIRE(c.WriteRaw(pipelined).ok());
  for (int i = 0; i < 4; ++i) {
    auto r = c.ReadResponse();
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
    CHECK(r->body == (i % 2 == 0 ? "later=" : "now=") + std::to_string(i));
  }
}

TEST_CASE("server answers 500 when a responder is dropped uncalled",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.AddAsync("GET", "/forgot", [](const Request&, const Responder&) {});
  REQUIRE(ts.Start().ok());
  auto r = Fetch(ts.port(), "GET", "/forgot");
  REQUIRE(r.has_value());
  CHECK(r->status == 500);
  CHECK(r->body.find("without responding") != std::string::npos);
}

TEST_CASE("server ignores a second call of the same responder",
          "[net][http][integration]") {
  TestServer ts;
  ts.router.AddAsync("GET", "/twice",
                     [](const Request&, const Responder& respond) {
                       respond(Response::Text(200, "first"));
                       respond(Response::Text(200, "second"));
                     });
  REQUIRE(ts.Start().ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  auto r = c.Send("GET", "/twice");
  REQUIRE(r.has_value());
  CHECK(r->body == "first");
  auto v = c.Send("GET", "/api/v1/version");  // no stray second response
  REQUIRE(v.has_value());
  CHECK(v->body.find("citynexus") != std::string::npos);
}

TEST_CASE("stop lets an in-flight request finish, then refuses connects",
          "[net][http][integration]") {
  Workers workers;
  TestServer ts;
  std::atomic<bool> started{false};
  ts.router.AddAsync("POST", "/slow", [&](const Request&, Responder respond) {
    started = true;
    workers.Run([respond = std::move(respond)] {
      std::this_thread::sleep_for(300ms);
      respond(Response::Text(200, "done"));
    });
  });
  REQUIRE(ts.Start().ok());
  const uint16_t port = ts.port();

  // An idle keep-alive connection, which Stop() must close.
  TestClient idle;
  REQUIRE(idle.Connect(port).ok());
  REQUIRE(idle.Send("GET", "/api/v1/version")->status == 200);

  auto in_flight = std::async(std::launch::async, [port] {
    return Fetch(port, "POST", "/slow", "payload");
  });
  REQUIRE(WaitUntil([&] { return started.load(); }));
  ts.server->Stop();

  auto r = in_flight.get();
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(r->body == "done");
  CHECK_FALSE(r->keep_alive);  // the server said Connection: close
  CHECK(idle.WaitForClose(10s));
  TestClient late;
  CHECK_FALSE(late.Connect(port).ok());
  ts.server->Stop();  // idempotent
}

TEST_CASE("stop closes requests that outlive the grace period",
          "[net][http][integration]") {
  Workers workers;
  TestServer ts;
  std::atomic<bool> started{false};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  ts.router.AddAsync("GET", "/stuck", [&](const Request&, Responder respond) {
    started = true;
    workers.Run([released, respond = std::move(respond)] {
      released.wait();
      respond(Response::Text(200, "too late"));  // after Stop: ignored
    });
  });
  ServerOptions o;
  o.shutdown_grace = 200ms;
  REQUIRE(ts.Start(o).ok());
  TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  REQUIRE(c.WriteRaw("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  REQUIRE(WaitUntil([&] { return started.load(); }));
  ts.server->Stop();
  CHECK(c.WaitForClose(10s));
  release.set_value();  // the late response must not crash anything
  ts.server.reset();
}

TEST_CASE("server can be destroyed without Start and restarts fail",
          "[net][http][integration]") {
  TestServer ts;
  REQUIRE(ts.Start().ok());
  CHECK_FALSE(ts.server->Start().ok());  // already started
  ts.server->Stop();
  CHECK_FALSE(ts.server->Start().ok());  // stopped for good
  Router router;
  MetricsRegistry metrics;
  { HttpServer never_started(ServerOptions{}, router, metrics); }
}

TEST_CASE("server reports a port it cannot bind", "[net][http][integration]") {
  TestServer first;
  REQUIRE(first.Start().ok());
  Router router;
  MetricsRegistry metrics;
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = first.port();
  HttpServer second(o, router, metrics);
  Status s = second.Start();
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == StatusCode::kIOError);
  CHECK(s.message().find(std::to_string(first.port())) != std::string::npos);
}

}  // namespace
}  // namespace citynexus::net
