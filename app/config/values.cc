#include "app/config/values.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace citynexus::app {

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() &&
         std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits + 1 != text.size()) return std::nullopt;
  int64_t unit_seconds = 0;
  switch (text.back()) {
    case 's':
      unit_seconds = 1;
      break;
    case 'm':
      unit_seconds = 60;
      break;
    case 'h':
      unit_seconds = 3600;
      break;
    case 'd':
      unit_seconds = 86400;
      break;
    case 'w':
      unit_seconds = 7 * 86400;
      break;
    default:
      return std::nullopt;
  }
  // Reject values whose seconds would overflow int64 (no wrap-around).
  const int64_t max_count = std::numeric_limits<int64_t>::max() / unit_seconds;
  int64_t count = 0;
  for (size_t i = 0; i < digits; ++i) {
    const int digit = text[i] - '0';
    if (count > (max_count - digit) / 10) return std::nullopt;
    count = count * 10 + digit;
  }
  return std::chrono::seconds(count * unit_seconds);
}

std::string FormatDuration(std::chrono::seconds duration) {
  const int64_t s = duration.count();
  static constexpr std::pair<int64_t, char> kUnits[] = {
      {7 * 86400, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}};
  if (s != 0) {
    for (const auto& [unit_seconds, suffix] : kUnits) {
      if (s % unit_seconds == 0) {
        return std::to_string(s / unit_seconds) + suffix;
      }
    }
  }
  return std::to_string(s) + 's';
}

std::optional<HostPort> ParseHostPort(std::string_view text) {
  HostPort result;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() ||
        text[close + 1] != ':') {
      return std::nullopt;
    }
    result.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    result.host = std::string(text.substr(0, colon));
    // An unbracketed IPv6 address is ambiguous ("::1:80"): require brackets.
    if (result.host.find(':') != std::string::npos) return std::nullopt;
    port_text = text.substr(colon + 1);
  }
  if (result.host.empty() || port_text.empty() || port_text.size() > 5) {
    return std::nullopt;
  }
  for (char c : result.host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '[' ||
        c == ']') {
      return std::nullopt;
    }
  }
  uint32_t port = 0;
  for (char c : port_text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) return std::nullopt;
  result.port = static_cast<uint16_t>(port);
  return result;
}

std::string FormatHostPort(std::string_view host, uint16_t port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  return out + ":" + std::to_string(port);
}

}  // namespace citynexus::app
