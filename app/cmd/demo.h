// `citynexus demo`: a simulated city feeding a running citynexus server
// through its public interfaces (HTTP, MQTT, a GBFS feed it serves), the
// way a city's gateways would. No demo code runs inside the server.
// Pieces: demo_city (the city), demo_signals (its signals), demo_lines
// (line protocol), demo_backfill (history), demo_live (real time over
// every interface), demo_gbfs (the bike-share feed), demo_http (client).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus::app {

inline constexpr std::string_view kDemoSummary =
    "feed a running server with a simulated city (history, then live)";

inline constexpr std::string_view kDemoUsage =
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
    "  -h, --help           show this help\n";

int RunDemo(const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err);

}  // namespace citynexus::app
