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
void LogLine(LogLevel level, std::string_view component,
             std::string_view message);

}  // namespace citynexus

// Usage: CN_LOG(kInfo, "http") << "listening on " << endpoint;
// The stream expression is not evaluated when the level is disabled. The
// macro is one expression (glog's voidify trick), so it is safe in an
// unbraced `if` without dangling-else surprises.
#define CN_LOG(level, component)                                            \
  !::citynexus::LogEnabled(::citynexus::LogLevel::level)                    \
      ? (void)0                                                             \
      : ::citynexus::internal::LogVoidify() &                               \
            ::citynexus::internal::LogMessage(::citynexus::LogLevel::level, \
                                              component)                    \
                .stream()

namespace citynexus::internal {
// Turns the stream expression into void so both ?: branches match; `&` binds
// more loosely than `<<`, so the whole message is streamed first.
struct LogVoidify {
  void operator&(std::ostream&) {}
};

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
