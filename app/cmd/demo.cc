#include "app/cmd/demo.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app/cmd/common.h"
#include "app/cmd/demo_backfill.h"
#include "app/cmd/demo_city.h"
#include "app/cmd/demo_gbfs.h"
#include "app/cmd/demo_http.h"
#include "app/cmd/demo_live.h"
#include "common/clock.h"
#include "common/log.h"

namespace citynexus::app {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnDemoSignal(int) { g_stop.store(true); }

std::optional<int64_t> ParseInt(const std::string& s, int64_t lo, int64_t hi) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
    return std::nullopt;
  return v;
}

// Waits until the server answers /api/v1/version (make run starts both at
// once). False after `seconds` or on a stop.
bool WaitForServer(demo::DemoHttp& http, int seconds, std::ostream& err) {
  for (int i = 0; i < seconds * 5 && !g_stop.load(); ++i) {
    // Any HTTP answer means the server is up (401/403 when the version
    // route is not public).
    const Result<std::string> version = http.Get("/api/v1/version");
    if (version || version.error().code() == StatusCode::kUnauthenticated ||
        version.error().code() == StatusCode::kPermissionDenied) {
      return true;
    }
    if (i == 10) err << "demo: waiting for the server...\n";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

// The time of the newest demo point on the server (weather temperature is
// written at every step), or 0 when there is none or it cannot be read.
int64_t LastDemoPoint(demo::DemoHttp& http, int64_t since_s) {
  Result<std::string> body = http.Get(
      "/api/v1/"
      "query?measurement=weather&field=temp&tag.station=DWD-City&start=" +
      std::to_string(since_s) + "&end=now%2B1d&step=15m&agg=count&epoch=s");
  if (!body) return 0;
  const nlohmann::json doc = nlohmann::json::parse(*body, nullptr, false);
  int64_t last = 0;
  if (!doc.is_object() || !doc.contains("series")) return 0;
  for (const auto& series : doc["series"]) {
    for (const auto& value : series.value("values", nlohmann::json::array())) {
      if (value.is_array() && !value.empty() && value[0].is_number_integer()) {
        last = std::max(last, value[0].get<int64_t>());
      }
    }
  }
  return last;
}

int RunDemo(const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(
          kDemoCommand,
          {.values = {"--server", "--broker", "--token", "--token-file",
                      "--days", "--seed", "--gbfs-listen", "--interval",
                      "--live-ticks"},
           .switches = {"--no-live"}},
          args, &parsed, out, err)) {
    return *done;
  }
  const auto flag = [&](const std::string& name, std::string fallback) {
    auto it = parsed.flags.find(name);
    return it == parsed.flags.end() ? fallback : it->second;
  };
  const std::string server = flag("--server", "");
  if (server.rfind("http://", 0) != 0 && server.rfind("https://", 0) != 0) {
    return UsageError(kDemoCommand, "--server http://HOST:PORT is required",
                      err);
  }
  const auto days = ParseInt(flag("--days", "400"), 1, 3650);
  const auto seed = ParseInt(flag("--seed", "1"), 0, INT64_MAX);
  const auto interval = ParseInt(flag("--interval", "5"), 1, 3600);
  const auto live_ticks = ParseInt(flag("--live-ticks", "0"), 0, 1000000000);
  if (!days) return UsageError(kDemoCommand, "--days must be 1..3650", err);
  if (!seed)
    return UsageError(kDemoCommand, "--seed must be a number >= 0", err);
  if (!interval)
    return UsageError(kDemoCommand, "--interval must be 1..3600", err);
  if (!live_ticks)
    return UsageError(kDemoCommand, "--live-ticks must be >= 0", err);
  if (parsed.Has("--token") && parsed.Has("--token-file")) {
    return UsageError(kDemoCommand, "give --token or --token-file, not both",
                      err);
  }
  std::string token = flag("--token", "");
  if (parsed.Has("--token-file")) {
    std::ifstream in(flag("--token-file", ""));
    if (in) {
      std::getline(in, token);
      while (!token.empty() && (token.back() == '\r' || token.back() == ' '))
        token.pop_back();
    } else {
      err << "demo: no token file " << flag("--token-file", "")
          << "; writing without a token\n";
    }
  }

  struct sigaction action {};
  action.sa_handler = OnDemoSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  // The GBFS feed's HTTP server would log every poll at info; the demo's
  // own progress lines are enough next to the server's log.
  SetLogLevel(LogLevel::kWarn);
  const demo::DemoCity city = demo::BuildDemoCity(static_cast<uint64_t>(*seed));
  demo::DemoHttp http(server, token);

  demo::GbfsFeedServer gbfs(city);
  const std::string gbfs_listen = flag("--gbfs-listen", "127.0.0.1:8091");
  if (gbfs_listen != "off") {
    const size_t colon = gbfs_listen.rfind(':');
    const auto port = colon == std::string::npos
                          ? std::nullopt
                          : ParseInt(gbfs_listen.substr(colon + 1), 0, 65535);
    if (!port)
      return UsageError(kDemoCommand, "--gbfs-listen must be HOST:PORT", err);
    if (Status s = gbfs.Start(gbfs_listen.substr(0, colon),
                              static_cast<uint16_t>(*port));
        !s.ok()) {
      err << "demo: GBFS feed: " << s.message() << "\n";
      return kExitFailure;
    }
    err << "demo: GBFS feed at http://" << gbfs_listen.substr(0, colon) << ":"
        << gbfs.port() << "/gbfs.json\n";
  }

  if (!WaitForServer(http, 60, err)) {
    err << "demo: no citynexus server answers at " << server << "\n";
    return g_stop.load() ? kExitOk : kExitFailure;
  }

  const int64_t now = UnixNowSeconds();
  const int64_t horizon = now - *days * 86400;
  const int64_t last = LastDemoPoint(http, horizon);
  demo::BackfillOptions backfill;
  // `last` is the start of the newest 15-minute bucket with data; that
  // bucket may hold live points, so the backfill starts after it (writing
  // it again would count its energy twice).
  backfill.start_s = std::max(horizon, last == 0 ? 0 : last + 900);
  backfill.end_s = now;
  backfill.stop = &g_stop;
  backfill.progress_bar = isatty(STDERR_FILENO) != 0;
  if (last > horizon) {
    err << "demo: the server has demo data up to " << last
        << "; resuming from there\n";
  }
  err << "demo: " << city.districts.size() << " districts, "
      << city.population() << " inhabitants, seed " << *seed << "; backfilling "
      << (backfill.end_s - backfill.start_s) / 86400 << " days to " << server
      << "\n";
  Result<demo::BackfillStats> stats = demo::Backfill(city, http, backfill, err);
  if (!stats) {
    err << "demo: " << stats.error().message() << "\n";
    return kExitFailure;
  }
  char summary[200];
  std::snprintf(summary, sizeof summary,
                "demo: backfill wrote %lld lines (%.0f MB line protocol) in "
                "%lld batches in "
                "%.1f s\n",
                static_cast<long long>(stats->lines), stats->bytes / 1e6,
                static_cast<long long>(stats->batches), stats->seconds);
  err << summary;
  if (stats->stopped || parsed.Has("--no-live")) return kExitOk;

  demo::LiveOptions live;
  live.broker = flag("--broker", "");
  live.client_id = "citynexus-demo-" + std::to_string(getpid());
  live.interval_s = static_cast<int>(*interval);
  live.stop = &g_stop;
  live.max_ticks = *live_ticks;
  err << "demo: live every " << live.interval_s << " s"
      << (live.broker.empty() ? " over HTTP"
                              : " over HTTP and MQTT " + live.broker)
      << "; Ctrl-C stops\n";
  if (Status s =
          demo::RunLive(city, http, live, backfill.end_s / 900 * 900, err);
      !s.ok()) {
    err << "demo: " << s.message() << "\n";
    return kExitFailure;
  }
  err << "demo: stopped\n";
  return kExitOk;
}

}  // namespace

const Command kDemoCommand = {
    "demo", "feed a running server with a simulated city (history, then live)",
    "usage: citynexus demo --server http://HOST:PORT [--broker "
    "tcp://HOST:PORT]\n"
    "                      [--token SECRET | --token-file FILE] [--days N]\n"
    "                      [--seed S] [--gbfs-listen HOST:PORT|off]\n"
    "                      [--interval SECONDS] [--no-live] [--live-ticks N]\n"
    "\n"
    "Simulates a city of 251,300 inhabitants in 8 districts: traffic counts\n"
    "and travel times, car parks, bike sharing, electricity per district,\n"
    "rooftop PV, public EV chargers, water works input, district inflow,\n"
    "billed volumes, pumping energy, temperature and NO2, with coupled daily,\n"
    "weekly and seasonal patterns. It first backfills history over HTTP line\n"
    "protocol (gzip, large batches; on a server that already has demo data\n"
    "it resumes after the last point), then writes in real time: line\n"
    "protocol over HTTP and MQTT, SenML over MQTT, TTN v3 uplinks of LoRaWAN\n"
    "water meters over MQTT, and serves a GBFS feed on loopback for the\n"
    "server's poller. The same seed gives the same city. Ctrl-C stops.\n"
    "\n"
    "flags:\n"
    "  --server URL         citynexus base URL (required)\n"
    "  --broker URI         MQTT broker; without it everything goes over HTTP\n"
    "  --token SECRET       sent as \"Authorization: Bearer SECRET\"\n"
    "  --token-file FILE    read the token from FILE (keeps it out of ps);\n"
    "                       a missing file means no token\n"
    "  --days N             history to backfill, default 400 (every\n"
    "                       indicator window, trailing-year ones included)\n"
    "  --seed S             seed of the city, default 1\n"
    "  --gbfs-listen ADDR   where the GBFS feed is served, default\n"
    "                       127.0.0.1:8091; off disables it\n"
    "  --interval SECONDS   live tick, default 5\n"
    "  --no-live            exit after the backfill\n"
    "  --live-ticks N       exit after N live ticks (tests)\n"
    "  -h, --help           show this help\n",
    RunDemo};

}  // namespace citynexus::app
