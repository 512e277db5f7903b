// Parsers and formatters for the value syntaxes used in the config file and on
// the command line: durations ("90s", "15m", "1h", "7d", "2w"), listen
// addresses ("host:port", "[::1]:8080") and the "did you mean" hint for
// misspelt keys.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/suggest.h"

namespace citynexus::app {

// "<positive integer><unit>" with unit s, m, h, d (24 h) or w (7 d), no
// spaces: "90s", "15m", "1h", "7d", "2w". nullopt for anything else,
// including overflow. Zero ("0s") parses; callers enforce their minimum.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);

// The shortest exact spelling in the largest unit that divides the value:
// 86400 s -> "1d", 5400 s -> "90m", 90 s -> "90s", 1209600 s -> "2w".
std::string FormatDuration(std::chrono::seconds duration);

struct HostPort {
  std::string host;  // without brackets: "127.0.0.1", "::1", "localhost"
  uint16_t port = 0;
};

// "host:port" or "[ipv6]:port"; port 0..65535 (0 = pick a free port).
// nullopt when the host is empty, the port is missing, not a decimal number,
// or out of range.
std::optional<HostPort> ParseHostPort(std::string_view text);

// Inverse of ParseHostPort: brackets an IPv6 host.
std::string FormatHostPort(std::string_view host, uint16_t port);

// EditDistance and ClosestName ("did you mean") live in common/suggest.h.

}  // namespace citynexus::app
