#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>

#include "common/enum_names.h"

namespace citynexus {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

// The one list of level names, read by ParseLogLevel and LogLevelName.
constexpr EnumName<LogLevel> kLevelNames[] = {{"debug", LogLevel::kDebug},
                                              {"info", LogLevel::kInfo},
                                              {"warn", LogLevel::kWarn},
                                              {"error", LogLevel::kError},
                                              {"off", LogLevel::kOff}};
}  // namespace

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  const std::optional<LogLevel> found = ValueOf(kLevelNames, text);
  if (found) *level = *found;
  return found.has_value();
}

std::string_view LogLevelName(LogLevel level) {
  return NameOf(kLevelNames, level, "info");
}

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }
bool LogEnabled(LogLevel level) {
  return level != LogLevel::kOff && static_cast<int>(level) >= g_level.load();
}

void LogLine(LogLevel level, std::string_view component,
             std::string_view message) {
  using std::chrono::system_clock;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                          now.time_since_epoch())
                          .count() %
                      1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  static constexpr const char* kLevelText[] = {"DEBUG", "INFO ", "WARN ",
                                               "ERROR", "OFF  "};
  // One fprintf per line: stdio locks the stream, so lines never interleave.
  std::fprintf(stderr, "%s.%03dZ %s %.*s: %.*s\n", stamp,
               static_cast<int>(millis), kLevelText[static_cast<int>(level)],
               static_cast<int>(component.size()), component.data(),
               static_cast<int>(message.size()), message.data());
}

}  // namespace citynexus
