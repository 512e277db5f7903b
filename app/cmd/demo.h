// `citynexus demo`: a simulated city feeding a running citynexus server
// through its public interfaces (HTTP, MQTT, a GBFS feed it serves), the
// way a city's gateways would. No demo code runs inside the server.
// Pieces: demo_city (the city), demo_signals (its signals), demo_lines
// (line protocol), demo_backfill (history), demo_live (real time over
// every interface), demo_gbfs (the bike-share feed), demo_http (client).
#pragma once

#include "app/cmd/common.h"

namespace citynexus::app {

extern const Command kDemoCommand;

}  // namespace citynexus::app
