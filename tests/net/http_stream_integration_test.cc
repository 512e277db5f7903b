// Streaming responses (Response::Stream / ResponseStream) through the real
// server on loopback: chunked framing, ordering, the buffer bound, a clean
// end, client disconnects and Stop() with open streams.
#include <catch2/catch.hpp>
#include <mutex>
#include <optional>
#include <string>

#include "http_client_util.h"
#include "net/net.h"
#include "support/sse_client.h"

namespace citynexus::net {
namespace {
using namespace std::chrono_literals;
using citynexus::testing::SseClient;
using testing::TestServer;
using testing::WaitUntil;

// Keeps the stream a handler opened, for the test to write to.
struct OpenedStream {
  std::mutex mu;
  std::optional<ResponseStream> stream;

  std::optional<ResponseStream> Get() {
    std::lock_guard<std::mutex> lock(mu);
    return stream;
  }
};

void AddStreamRoute(TestServer& ts, OpenedStream& opened, size_t max_bytes) {
  ts.router.Add("GET", "/events", [&opened, max_bytes](const Request&) {
    Response r = Response::Stream(
        "text/event-stream", max_bytes, [&opened](ResponseStream stream) {
          (void)stream.Write("event: hello\ndata: 1\n\n");
          std::lock_guard<std::mutex> lock(opened.mu);
          opened.stream = std::move(stream);
        });
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  });
}

TEST_CASE("a streaming response sends pieces as they are written, in order",
          "[net][http][stream][integration]") {
  TestServer ts;
  OpenedStream opened;
  AddStreamRoute(ts, opened, 1 << 20);
  REQUIRE(ts.Start().ok());

  auto client = SseClient::Open(ts.port(), "/events");
  REQUIRE(client->status() == 200);
  CHECK(client->headers().at("content-type") == "text/event-stream");
  CHECK(client->headers().at("transfer-encoding") == "chunked");
  CHECK(client->headers().at("cache-control") == "no-cache");
  CHECK(client->headers().count("content-length") == 0);

  auto hello = client->Next(5s);
  REQUIRE(hello.has_value());
  CHECK(hello->name == "hello");
  CHECK(hello->data == "1");

  REQUIRE(WaitUntil([&] { return opened.Get().has_value(); }));
  ResponseStream stream = *opened.Get();
  for (int i = 0; i < 100; ++i) {
    REQUIRE(stream.Write("data: " + std::to_string(i) + "\n\n"));
  }
  for (int i = 0; i < 100; ++i) {
    auto event = client->Next(5s);
    REQUIRE(event.has_value());
    CHECK(event->data == std::to_string(i));
  }

  SECTION("CloseWith sends its last bytes, then ends the body cleanly") {
    stream.CloseWith("event: bye\ndata: done\n\n");
    CHECK(stream.closed());
    CHECK_FALSE(stream.Write("data: late\n\n"));
    auto bye = client->Next(5s);
    REQUIRE(bye.has_value());
    CHECK(bye->name == "bye");
    CHECK_FALSE(client->Next(5s).has_value());
    CHECK(client->eof());
    CHECK(client->clean_end());
  }
  SECTION("a client that disconnects closes the stream for its writer") {
    client->Close();
    CHECK(WaitUntil([&] { return stream.closed(); }));
    CHECK_FALSE(stream.Write("data: nobody\n\n"));
  }
  SECTION("Stop() closes open streams without waiting for them") {
    ts.server->Stop();
    CHECK(stream.closed());
    CHECK_FALSE(client->Next(5s).has_value());
    CHECK(client->eof());
  }
}

TEST_CASE(
    "a stream refuses bytes beyond its bound while the client does not "
    "read",
    "[net][http][stream][integration]") {
  TestServer ts;
  OpenedStream opened;
  AddStreamRoute(ts, opened, 64 * 1024);
  REQUIRE(ts.Start().ok());
  auto client = SseClient::Open(ts.port(), "/events", 4096);
  REQUIRE(client->status() == 200);
  REQUIRE(WaitUntil([&] { return opened.Get().has_value(); }));
  ResponseStream stream = *opened.Get();

  // The client reads nothing: socket buffers fill up, then the stream's
  // bound is reached and Write() refuses instead of queueing without end.
  const std::string piece = "data: " + std::string(1000, 'x') + "\n\n";
  size_t accepted = 0;
  while (stream.Write(piece)) {
    ++accepted;
    REQUIRE(accepted < 1000000);  // bounded by socket buffers + 64 KiB
  }
  CHECK_FALSE(stream.closed());
  CHECK(stream.buffered_bytes() + piece.size() > 64 * 1024);

  // Everything accepted is delivered, then the notice, then the end.
  stream.CloseWith("event: notice\ndata: slow\n\n");
  size_t received = 0;
  std::optional<citynexus::testing::SseEvent> event;
  while ((event = client->Next(5s)) && event->name != "notice") {
    if (event->name == "message") ++received;
  }
  REQUIRE(event.has_value());
  CHECK(event->data == "slow");
  CHECK(received == accepted);
  CHECK_FALSE(client->Next(5s).has_value());
  CHECK(client->clean_end());
}

TEST_CASE("an HTTP/1.0 client gets a body delimited by the connection close",
          "[net][http][stream][integration]") {
  TestServer ts;
  OpenedStream opened;
  AddStreamRoute(ts, opened, 1 << 20);
  REQUIRE(ts.Start().ok());
  auto client = SseClient::Open(ts.port(), "/events", 0, "1.0");
  REQUIRE(client->status() == 200);
  CHECK(client->headers().count("transfer-encoding") == 0);
  CHECK(client->headers().count("content-length") == 0);
  REQUIRE(WaitUntil([&] { return opened.Get().has_value(); }));
  ResponseStream stream = *opened.Get();
  REQUIRE(stream.Write("data: a\n\n"));
  stream.CloseWith("data: b\n\n");
  auto hello = client->Next(5s);
  REQUIRE(hello.has_value());
  CHECK(hello->name == "hello");
  auto a = client->Next(5s);
  REQUIRE(a.has_value());
  CHECK(a->data == "a");
  auto b = client->Next(5s);
  REQUIRE(b.has_value());
  CHECK(b->data == "b");
  CHECK_FALSE(client->Next(5s).has_value());
  CHECK(client->eof());
  CHECK_FALSE(client->clean_end());  // no chunks: the close ends the body
}

TEST_CASE("HEAD on a streaming route gets the headers only",
          "[net][http][stream][integration]") {
  TestServer ts;
  OpenedStream opened;
  AddStreamRoute(ts, opened, 1024);
  REQUIRE(ts.Start().ok());
  testing::TestClient c;
  REQUIRE(c.Connect(ts.port()).ok());
  REQUIRE(c.WriteRaw("HEAD /events HTTP/1.1\r\nHost: x\r\n\r\n").ok());
  auto head = c.ReadResponse(/*head=*/true);
  REQUIRE(head.has_value());
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK_FALSE(opened.Get().has_value());
}

}  // namespace
}  // namespace citynexus::net
