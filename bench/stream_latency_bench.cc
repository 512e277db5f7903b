// Write-to-stream latency: how long after a write is acknowledged (HTTP 204
// from POST /write) an SSE client of GET /api/v1/stream receives the point.
//
// Everything runs in this process on loopback, wired as `citynexus serve`
// wires it: a real store (RocksDB in a temp dir, storage.sync "interval"),
// the HTTP write endpoint, engine::PublishingStore, StreamService and the
// HTTP server with 2 I/O threads. One client writes one point per request
// over a keep-alive connection, paced (default every 5 ms); another holds a
// stream on the measurement. Per point we take
//   ack_to_event  = event received - 204 received   (the target)
//   send_to_event = event received - request sent   (end to end)
// ack_to_event can be negative: the fan-out runs as soon as the point is
// durable, before the 204 is written, so the event may overtake the ack.
//
// Usage: stream_latency_bench [writes=2000] [pace_us=5000]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "connectors/connectors.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/indicators.h"
#include "query/stream.h"

namespace {

using namespace citynexus;
using Clock = std::chrono::steady_clock;

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  return fd;
}

void SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      std::perror("send");
      std::exit(1);
    }
    sent += static_cast<size_t>(n);
  }
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  const int writes = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int pace_us = argc > 2 ? std::atoi(argv[2]) : 5000;
  SetLogLevel(LogLevel::kWarn);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("stream-latency-bench-" + std::to_string(::getpid()));
  engine::PointFeed feed;
  engine::StoreOptions store_options;
  store_options.data_dir = dir.string();
  auto opened = engine::OpenStore(store_options);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
    return 1;
  }
  auto store = engine::PublishingStore(std::move(*opened), feed);
  net::MetricsRegistry metrics;
  net::Router router;
  connectors::HttpIngest ingest(*store, metrics, {});
  ingest.RegisterRoutes(router);
  query::IndicatorService indicators(*store, {}, {});
  query::StreamService streams(*store, feed, indicators, {}, metrics);
  streams.RegisterRoutes(router);
  net::ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = 2;
  net::HttpServer server(server_options, router, metrics);
  server.SetAuthenticator(std::make_shared<net::Authenticator>(
      net::AuthOptions{},
      [](std::string_view secret)
          -> Result<std::shared_ptr<const net::Access>> {
        // Requests carry "Bearer bench" (deny by default, issue #10).
        if (secret == "bench") return net::Access::Internal();
        return Status::Unauthenticated("invalid token");
      }));
  if (!server.Start().ok() || !streams.Start().ok()) return 1;
  const uint16_t port = server.port();

  // The stream client: records when the event of point i arrives.
  std::vector<Clock::time_point> received(static_cast<size_t>(writes));
  std::atomic<int> received_count{0};
  std::atomic<bool> subscribed{false};
  const int stream_fd = Connect(port);
  SendAll(stream_fd,
          "GET /api/v1/stream?measurement=latency HTTP/1.1\r\nHost: x\r\n"
          "Authorization: Bearer bench\r\n\r\n");
  std::thread reader([&] {
    std::string buffer;
    char chunk[65536];
    size_t scan = 0;
    while (received_count.load() < writes) {
      const ssize_t n = ::recv(stream_fd, chunk, sizeof(chunk), 0);
      if (n <= 0) break;
      const auto now = Clock::now();
      buffer.append(chunk, static_cast<size_t>(n));
      if (!subscribed &&
          buffer.find("event: subscribed") != std::string::npos) {
        subscribed = true;
      }
      size_t at;
      while ((at = buffer.find("\"value\":", scan)) != std::string::npos) {
        const size_t end = buffer.find('}', at);
        if (end == std::string::npos) break;
        const int i = std::atoi(buffer.c_str() + at + 8);
        if (i >= 0 && i < writes) {
          received[static_cast<size_t>(i)] = now;
          received_count.fetch_add(1);
        }
        scan = end;
      }
    }
  });
  while (!subscribed) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  // The writer: one point per request, keep-alive.
  std::vector<Clock::time_point> sent(static_cast<size_t>(writes));
  std::vector<Clock::time_point> acked(static_cast<size_t>(writes));
  const int write_fd = Connect(port);
  const int64_t t0 = 1704067200;
  char reply[4096];
  for (int i = 0; i < writes; ++i) {
    const std::string body = "latency,client=bench seq=" + std::to_string(i) +
                             "i " + std::to_string(t0 + i) + "\n";
    const std::string request =
        "POST /write?precision=s HTTP/1.1\r\nHost: x\r\n"
        "Authorization: Bearer bench\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    sent[static_cast<size_t>(i)] = Clock::now();
    SendAll(write_fd, request);
    std::string response;
    while (response.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(write_fd, reply, sizeof(reply), 0);
      if (n <= 0) {
        std::fprintf(stderr, "write connection closed\n");
        return 1;
      }
      response.append(reply, static_cast<size_t>(n));
    }
    acked[static_cast<size_t>(i)] = Clock::now();
    if (response.rfind("HTTP/1.1 204", 0) != 0) {
      std::fprintf(stderr, "write %d: %s\n", i, response.c_str());
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(pace_us));
  }
  const auto wait_until = Clock::now() + std::chrono::seconds(10);
  while (received_count.load() < writes && Clock::now() < wait_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::shutdown(stream_fd, SHUT_RDWR);
  reader.join();
  ::close(stream_fd);
  ::close(write_fd);

  std::vector<double> ack_to_event, send_to_event;
  for (int i = 0; i < writes; ++i) {
    const auto r = received[static_cast<size_t>(i)];
    if (r == Clock::time_point{}) continue;
    ack_to_event.push_back(std::chrono::duration<double, std::milli>(
                               r - acked[static_cast<size_t>(i)])
                               .count());
    send_to_event.push_back(std::chrono::duration<double, std::milli>(
                                r - sent[static_cast<size_t>(i)])
                                .count());
  }
  std::printf("writes %d, events received %zu, pace %d us\n", writes,
              ack_to_event.size(), pace_us);
  if (!ack_to_event.empty()) {
    std::printf("ack_to_event_ms  median %.3f  p95 %.3f  p99 %.3f  max %.3f\n",
                Percentile(ack_to_event, 0.5), Percentile(ack_to_event, 0.95),
                Percentile(ack_to_event, 0.99), Percentile(ack_to_event, 1.0));
    std::printf("send_to_event_ms median %.3f  p95 %.3f  p99 %.3f  max %.3f\n",
                Percentile(send_to_event, 0.5), Percentile(send_to_event, 0.95),
                Percentile(send_to_event, 0.99),
                Percentile(send_to_event, 1.0));
  }
  streams.Stop();
  server.Stop();
  ingest.Stop();
  (void)store->Close();
  std::filesystem::remove_all(dir);
  return ack_to_event.size() == static_cast<size_t>(writes) ? 0 : 1;
}
