// Levelled logging: one line per event on stderr.
//
//   2026-11-26T18:35:03.123Z INFO  http: listening on 127.0.0.1:8080
//
// Thread-safety: safe for concurrent use; each line is written atomically.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace citynexus {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

// "debug", "info", "warn", "error", "off" -> level; false when unknown.
bool ParseLogLevel(std::string_view text, LogLevel* level);
std::string_view LogLevelName(LogLevel level);

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool LogEnabled(LogLevel level);

// Writes one line: timestamp, level, component, message.
void LogLine(LogLevel level, std::string_view component, std::string_view message);

}  // namespace citynexus

// Usage: CN_LOG(kInfo, "http") << "listening on " << endpoint;
// The stream expression is not evaluated when the level is disabled.
#define CN_LOG(level, component)                                        \
  if (!::citynexus::LogEnabled(::citynexus::LogLevel::level)) {         \
  } else                                                                \
    ::citynexus::internal::LogMessage(::citynexus::LogLevel::level,     \
                                      component)                        \
        .stream()

namespace citynexus::internal {
class LogMessage {
 public:
  LogMessage(LogLevel level, std::string_view component)
      : level_(level), component_(component) {}
  ~LogMessage() { LogLine(level_, component_, stream_.str()); }
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostringstream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::string_view component_;
  std::ostringstream stream_;
};
}  // namespace citynexus::internal
