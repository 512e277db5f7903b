// Integration tests for the HTTP server's I/O loops (net/io_loops.h): one
// io_context per I/O thread, connections placed on the least-loaded loop, and
// the rescue of a loop whose thread is stuck in one synchronous request.
// No timing thresholds: a blocked handler is released by the test, after the
// behaviour under test has been observed (or a generous safety timeout).
#include <pthread.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <future>
#include <string>
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

// The calling thread's name: "http-io-N" for loop N's own thread,
// "http-rescue-N" for its rescue thread (net/io_loops.h).
std::string ThreadTag() {
  char name[32] = {};
  pthread_getname_np(pthread_self(), name, sizeof(name));
  return name;
}

// "http-io-1" and "http-rescue-1" -> "1".
std::string LoopOf(const std::string& thread_name) {
  return thread_name.substr(thread_name.rfind('-') + 1);
}

// A route /block that holds its I/O thread until the test releases it (or
// 60 s pass), and /tid answering the id of the thread that handled it.
struct BlockingRoutes {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> entered{false};
  std::atomic<bool> done{false};
  std::string blocked_thread;  // written before `entered` is set

  void AddTo(Router& router) {
    router.Add("GET", "/block", [this](const Request&) {
      blocked_thread = ThreadTag();
      entered = true;
      released.wait_for(60s);
      done = true;
      return Response::Text(200, "unblocked");
    });
    router.Add("GET", "/tid",
               [](const Request&) { return Response::Text(200, ThreadTag()); });
  }
  void Release() {
    try {
      release.set_value();
    } catch (const std::future_error&) {
      // already released
    }
  }
};

double Rescues(TestServer& ts) {
  return ts.metrics.GetCounter("citynexus_http_loop_rescues_total", "")
      ->Value();
}

TEST_CASE("connections are spread over the I/O loops and stay on theirs",
          "[net][http][integration]") {
  TestServer ts;
  BlockingRoutes routes;
  routes.AddTo(ts.router);
  ServerOptions o;
  o.threads = 2;
  REQUIRE(ts.Start(o).ok());
  TestClient a;
  TestClient b;
  REQUIRE(a.Connect(ts.port()).ok());
  auto ra = a.Send("GET", "/tid");
  REQUIRE(ra.has_value());
  REQUIRE(b.Connect(ts.port()).ok());
  auto rb = b.Send("GET", "/tid");
  REQUIRE(rb.has_value());
  // Two open connections, two loops: one each.
  CHECK(ra->body.starts_with("http-"));
  CHECK(LoopOf(ra->body) != LoopOf(rb->body));
  // A connection stays on its loop, request after request (served by the
  // loop's thread, or its rescue thread if the machine stalled it).
  for (int i = 0; i < 5; ++i) {
    auto again = a.Send("GET", "/tid");
    REQUIRE(again.has_value());
    CHECK(LoopOf(again->body) == LoopOf(ra->body));
  }
}

TEST_CASE("a loop stuck in one request still serves its other connections",
          "[net][http][integration]") {
  TestServer ts;
  BlockingRoutes routes;
  routes.AddTo(ts.router);
  ServerOptions o;
  o.threads = 1;  // every connection on the same loop
  REQUIRE(ts.Start(o).ok());
  TestClient idle;  // connected before the loop gets stuck
  REQUIRE(idle.Connect(ts.port()).ok());
  REQUIRE(idle.Send("GET", "/tid").has_value());

  std::thread blocker([&] {
    TestClient c(60s);
    if (c.Connect(ts.port()).ok()) {
      auto r = c.Send("GET", "/block");
      CHECK((r.has_value() && r->status == 200));
    }
  });
  REQUIRE(WaitUntil([&] { return routes.entered.load(); }, 10s));

  // The loop's thread is inside /block; the rescue thread answers these.
  auto health = idle.Send("GET", "/healthz");
  REQUIRE(health.has_value());
  CHECK(health->status == 200);
  auto fresh = Fetch(ts.port(), "GET", "/tid");  // a new connection too
  REQUIRE(fresh.has_value());
  CHECK(fresh->status == 200);
  CHECK(fresh->body != routes.blocked_thread);
  CHECK(fresh->body == "http-rescue-0");
  CHECK_FALSE(routes.done.load());  // answered while /block still held
  CHECK(Rescues(ts) >= 1);

  routes.Release();
  blocker.join();
  // Back to normal: the loop's own thread serves the idle connection again.
  auto after = idle.Send("GET", "/tid");
  REQUIRE(after.has_value());
  CHECK(after->status == 200);
}

TEST_CASE("new connections go to a loop that is not busy in a request",
          "[net][http][integration]") {
  TestServer ts;
  BlockingRoutes routes;
  routes.AddTo(ts.router);
  ServerOptions o;
  o.threads = 2;
  REQUIRE(ts.Start(o).ok());
  // One connection per loop; `a`'s loop then gets stuck in /block.
  TestClient a(60s);
  TestClient b;
  REQUIRE(a.Connect(ts.port()).ok());
  auto ra = a.Send("GET", "/tid");
  REQUIRE(ra.has_value());
  REQUIRE(b.Connect(ts.port()).ok());
  auto rb = b.Send("GET", "/tid");
  REQUIRE(rb.has_value());
  REQUIRE(LoopOf(ra->body) != LoopOf(rb->body));

  std::thread blocker([&] {
    auto r = a.Send("GET", "/block");
    CHECK((r.has_value() && r->status == 200));
  });
  REQUIRE(WaitUntil([&] { return routes.entered.load(); }, 10s));
  CHECK(LoopOf(routes.blocked_thread) == LoopOf(ra->body));
  // Wait until the watchdog has seen `a`'s loop stuck (its rescue ran): a
  // loop that is merely busy ties with `b`'s loop while that one is still
  // finishing the previous connection's request, and either may win.
  REQUIRE(WaitUntil([&] { return Rescues(ts) >= 1; }, 10s));
  // Both loops hold one connection; the stuck one is skipped, so the new
  // connection goes to `b`'s loop (round robin alone would pick `a`'s
  // loop here).
  for (int i = 0; i < 3; ++i) {
    auto c = Fetch(ts.port(), "GET", "/tid");
    REQUIRE(c.has_value());
    INFO("connection " << i << " answered by " << c->body << "; a: " << ra->body
                       << ", b: " << rb->body
                       << ", blocked: " << routes.blocked_thread);
    CHECK(LoopOf(c->body) == LoopOf(rb->body));
  }
  routes.Release();
  blocker.join();
}

TEST_CASE("Stop() while a loop is stuck in a request",
          "[net][http][integration]") {
  TestServer ts;
  BlockingRoutes routes;
  routes.AddTo(ts.router);
  ServerOptions o;
  o.threads = 1;
  o.shutdown_grace = 100ms;
  REQUIRE(ts.Start(o).ok());
  TestClient idle;
  REQUIRE(idle.Connect(ts.port()).ok());
  REQUIRE(idle.Send("GET", "/tid").has_value());
  std::thread blocker([&] {
    TestClient c(60s);
    if (c.Connect(ts.port()).ok()) {
      (void)c.Send("GET", "/block");  // answered or closed by the Stop
    }
  });
  REQUIRE(WaitUntil([&] { return routes.entered.load(); }, 10s));
  const uint16_t port = ts.port();
  auto stopped = std::async(std::launch::async, [&] { ts.server->Stop(); });
  // The idle connection is closed by Stop (via the rescue thread: the loop's
  // own thread is still in /block), and new connects are refused.
  CHECK(idle.WaitForClose(30s));
  CHECK(WaitUntil(
      [&] {
        TestClient probe;
        return !probe.Connect(port).ok();
      },
      10s));
  // Stop joins the loop threads, so it returns once /block does.
  routes.Release();
  CHECK(stopped.wait_for(30s) == std::future_status::ready);
  blocker.join();
  CHECK(routes.done.load());
}

}  // namespace
}  // namespace citynexus::net
