// End-to-end HTTP ingest: line protocol batches POSTed over keep-alive
// connections to the real server (in this process, on loopback), decoded,
// resolved and appended durably to a real store before each 204.
//
// Dataset "urban1000": 1000 series (traffic counters, energy meters, water
// flows, air quality) at 60 s, 5000 lines per request, precision s.
// BM_HttpIngest_LineProtocol/threads:N uses N client connections. The
// clients share the machine's cores with the server, as a co-located
// Telegraf would; points/s is the items_per_second counter.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "common/log.h"
#include "connectors/connectors.h"
#include "engine/engine.h"
#include "net/net.h"

namespace {

using namespace citynexus;

constexpr int kSeries = 1000;
constexpr int kLinesPerBatch = 5000;
constexpr int64_t kT0 = 1704067200;  // 2024-01-01T00:00:00Z

// Batch i covers kLinesPerBatch consecutive (series, minute) pairs.
std::string MakeBatch(int64_t batch_index) {
  static const char* kKinds[] = {
      "traffic,sensor=K%d,district=d%02d vehicles=%di",
      "energy,meter=E%d,district=d%02d kwh=%d.%02d",
      "water_flow,point=W%d,district=d%02d m3=%d.%03d",
      "air,station=A%d,district=d%02d no2=%d.%d"};
  std::mt19937_64 rng(static_cast<uint64_t>(batch_index) * 7919 + 1);
  std::string body;
  body.reserve(kLinesPerBatch * 64);
  char line[160];
  for (int i = 0; i < kLinesPerBatch; ++i) {
    const int64_t n = batch_index * kLinesPerBatch + i;
    const int series = static_cast<int>(n % kSeries);
    const int64_t minute = n / kSeries;
    const int kind = series % 4;
    const int district = series % 12;
    int len = 0;
    const int a = static_cast<int>(rng() % 400);
    const int b = static_cast<int>(rng() % 100);
    if (kind == 0) {
      len = std::snprintf(line, sizeof(line), kKinds[0], series, district, a);
    } else {
      len = std::snprintf(line, sizeof(line), kKinds[kind], series, district, a,
                          b);
    }
    body.append(line, static_cast<size_t>(len));
    len = std::snprintf(line, sizeof(line), " %lld\n",
                        static_cast<long long>(kT0 + minute * 60));
    body.append(line, static_cast<size_t>(len));
  }
  return body;
}

struct Server {
  std::string dir;
  std::unique_ptr<engine::Store> store;
  net::MetricsRegistry metrics;
  net::Router router;
  std::unique_ptr<connectors::HttpIngest> ingest;
  std::unique_ptr<net::HttpServer> http;

  Server() {
    SetLogLevel(LogLevel::kWarn);  // no access log lines in the hot path
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "cn-http-bench-XXXXXX")
            .string();
    dir = mkdtemp(tmpl.data());
    engine::StoreOptions options;
    options.data_dir = dir;
    options.sync = engine::SyncMode::kInterval;
    auto opened = engine::OpenStore(options);
    if (!opened) std::abort();
    store = std::move(*opened);
    ingest = std::make_unique<connectors::HttpIngest>(
        *store, metrics, connectors::HttpIngestOptions{});
    ingest->RegisterRoutes(router);
    net::ServerOptions server_options;
    server_options.port = 0;
    http = std::make_unique<net::HttpServer>(server_options, router, metrics);
    http->SetAuthenticator(std::make_shared<net::Authenticator>(
        net::AuthOptions{},
        [](std::string_view secret)
            -> Result<std::shared_ptr<const net::Access>> {
          // Requests carry "Bearer bench" (deny by default, issue #10).
          if (secret == "bench") return net::Access::Internal();
          return Status::Unauthenticated("invalid token");
        }));
    if (!http->Start().ok()) std::abort();
  }
  ~Server() {
    http->Stop();
    ingest->Stop();
    (void)store->Close();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// One keep-alive connection that POSTs bodies and reads status lines.
class Connection {
 public:
  explicit Connection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      std::abort();
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~Connection() { ::close(fd_); }

  // Returns the HTTP status.
  int Post(const std::string& body) {
    std::string req =
        "POST /write?db=bench&precision=s HTTP/1.1\r\nHost: x\r\n"
        "Authorization: Bearer bench\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n";
    req += body;
    size_t sent = 0;
    while (sent < req.size()) {
      const ssize_t n = ::send(fd_, req.data() + sent, req.size() - sent, 0);
      if (n <= 0) return 0;
      sent += static_cast<size_t>(n);
    }
    // Read the head, then skip Content-Length bytes of body.
    std::string in;
    char buf[4096];
    size_t head_end;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return 0;
      in.append(buf, static_cast<size_t>(n));
    }
    size_t length = 0;
    const size_t cl = in.find("Content-Length: ");
    if (cl != std::string::npos && cl < head_end) {
      length = std::stoul(in.substr(cl + 16));
    }
    while (in.size() < head_end + 4 + length) {
      const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return 0;
      in.append(buf, static_cast<size_t>(n));
    }
    return std::stoi(in.substr(9, 3));
  }

 private:
  int fd_ = -1;
};

Server* g_server = nullptr;
std::atomic<int64_t> g_next_batch{0};
std::vector<std::string>* g_batches = nullptr;
constexpr int kDistinctBatches = 200;  // 1M lines, ~17 h of data per series

void BM_HttpIngest_LineProtocol(benchmark::State& state) {
  if (state.thread_index() == 0) {
    g_server = new Server();
    if (!g_batches) {
      g_batches = new std::vector<std::string>();
      for (int i = 0; i < kDistinctBatches; ++i) {
        g_batches->push_back(MakeBatch(i));
      }
    }
  }
  // Google Benchmark synchronizes threads before the timed loop.
  Connection* conn = nullptr;
  int64_t points = 0, bytes = 0;
  for (auto _ : state) {
    if (!conn) conn = new Connection(g_server->http->port());
    const int64_t i = g_next_batch.fetch_add(1) % kDistinctBatches;
    const std::string& body = (*g_batches)[static_cast<size_t>(i)];
    if (conn->Post(body) != 204) {
      state.SkipWithError("write was not answered with 204");
      break;
    }
    points += kLinesPerBatch;
    bytes += static_cast<int64_t>(body.size());
  }
  delete conn;
  state.SetItemsProcessed(points);
  state.SetBytesProcessed(bytes);
  if (state.thread_index() == 0) {
    delete g_server;
    g_server = nullptr;
  }
}
BENCHMARK(BM_HttpIngest_LineProtocol)
    ->Name("BM_HttpIngest_LineProtocol/urban1000")
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->MinTime(3);

}  // namespace

BENCHMARK_MAIN();
