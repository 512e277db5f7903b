#include "query/time_parse.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "query/civil_time.h"

namespace citynexus::query {
namespace {

constexpr int64_t kNsPerSecond = 1000000000;

Status BadDuration(std::string_view text) {
  return Status::InvalidArgument(
      "expected a duration like \"90s\", \"15m\", \"1h\" or \"7d\", got \"" +
      std::string(text) + "\"");
}

bool ReadDigits(std::string_view s, size_t& pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  pos += n;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). A bare date
// "YYYY-MM-DD" means midnight UTC.
bool ParseRfc3339(std::string_view s, int64_t* out_ns) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(s, pos, 4, &year) || !Expect(s, pos, '-') ||
      !ReadDigits(s, pos, 2, &month) || !Expect(s, pos, '-') ||
      !ReadDigits(s, pos, 2, &day)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  int64_t frac_ns = 0;
  int64_t offset_s = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return false;
    ++pos;
    if (!ReadDigits(s, pos, 2, &hour) || !Expect(s, pos, ':') ||
        !ReadDigits(s, pos, 2, &minute) || !Expect(s, pos, ':') ||
        !ReadDigits(s, pos, 2, &second)) {
      return false;
    }
    if (hour > 23 || minute > 59 || second > 60) return false;
    if (Expect(s, pos, '.')) {
      int64_t scale = 100000000;
      size_t digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 9) frac_ns += (s[pos] - '0') * scale;
        scale /= 10;
        ++digits;
        ++pos;
      }
      if (digits == 0) return false;
    }
    if (Expect(s, pos, 'Z') || Expect(s, pos, 'z')) {
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh = 0, om = 0;
      if (!ReadDigits(s, pos, 2, &oh) || !Expect(s, pos, ':') ||
          !ReadDigits(s, pos, 2, &om)) {
        return false;
      }
      offset_s = sign * (oh * 3600 + om * 60);
    } else {
      return false;
    }
  }
  if (pos != s.size()) return false;
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month),
                                     static_cast<unsigned>(day));
  const int64_t secs =
      days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  *out_ns = secs * kNsPerSecond + frac_ns;
  return true;
}

}  // namespace

Result<int64_t> ParseDurationNs(std::string_view text) {
  if (text.empty()) return BadDuration(text);
  int64_t total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    int64_t n = 0;
    auto [ptr, ec] =
        std::from_chars(text.data() + pos, text.data() + text.size(), n);
    if (ec != std::errc() || n < 0) return BadDuration(text);
    pos = static_cast<size_t>(ptr - text.data());
    size_t unit_end = pos;
    while (unit_end < text.size() &&
           (text[unit_end] < '0' || text[unit_end] > '9')) {
      ++unit_end;
    }
    const std::string_view unit = text.substr(pos, unit_end - pos);
    int64_t mult;
    if (unit == "ns") {
      mult = 1;
    } else if (unit == "us" || unit == "µs" || unit == "u") {
      mult = 1000;
    } else if (unit == "ms") {
      mult = 1000000;
    } else if (unit == "s") {
      mult = kNsPerSecond;
    } else if (unit == "m") {
      mult = 60 * kNsPerSecond;
    } else if (unit == "h") {
      mult = 3600 * kNsPerSecond;
    } else if (unit == "d") {
      mult = 86400 * kNsPerSecond;
    } else if (unit == "w") {
      mult = 7 * 86400 * kNsPerSecond;
    } else {
      return BadDuration(text);
    }
    if (n > INT64_MAX / mult || total > INT64_MAX - n * mult) {
      return Status::InvalidArgument("duration \"" + std::string(text) +
                                     "\" is too large");
    }
    total += n * mult;
    pos = unit_end;
  }
  return total;
}

Result<int64_t> ParseTimeNs(std::string_view text, int64_t now_ns) {
  auto bad = [&] {
    return Status::InvalidArgument(
        "expected an RFC 3339 time, epoch seconds, or now[-duration], got \"" +
        std::string(text) + "\"");
  };
  if (text.empty()) return bad();
  if (text.substr(0, 3) == "now") {
    std::string_view rest = text.substr(3);
    if (rest.empty()) return now_ns;
    const int sign = rest[0] == '-' ? -1 : rest[0] == '+' ? 1 : 0;
    if (sign == 0) return bad();
    auto d = ParseDurationNs(rest.substr(1));
    if (!d) return d.error();
    return now_ns + sign * *d;
  }
  int64_t ns = 0;
  if (ParseRfc3339(text, &ns)) return ns;
  // Epoch number with an optional unit suffix.
  size_t digits_end = 0;
  while (digits_end < text.size() &&
         ((text[digits_end] >= '0' && text[digits_end] <= '9') ||
          text[digits_end] == '-' || text[digits_end] == '.')) {
    ++digits_end;
  }
  const std::string_view number = text.substr(0, digits_end);
  const std::string_view unit = text.substr(digits_end);
  if (number.empty()) return bad();
  int64_t mult = kNsPerSecond;
  if (!unit.empty()) {
    if (unit == "ms") {
      mult = 1000000;
    } else if (unit == "us") {
      mult = 1000;
    } else if (unit == "ns") {
      mult = 1;
    } else if (unit == "s") {
      mult = kNsPerSecond;
    } else {
      return bad();
    }
  }
  if (number.find('.') == std::string_view::npos) {
    int64_t n = 0;
    auto [ptr, ec] =
        std::from_chars(number.data(), number.data() + number.size(), n);
    if (ec != std::errc() || ptr != number.data() + number.size()) return bad();
    if (n > INT64_MAX / mult || n < INT64_MIN / mult) {
      return Status::InvalidArgument("time \"" + std::string(text) +
                                     "\" is out of range");
    }
    return n * mult;
  }
  double d = 0;
  auto [ptr, ec] =
      std::from_chars(number.data(), number.data() + number.size(), d);
  if (ec != std::errc() || ptr != number.data() + number.size()) return bad();
  const double v = d * static_cast<double>(mult);
  if (!std::isfinite(v) || std::fabs(v) > 9.2e18) return bad();
  return static_cast<int64_t>(std::llround(v));
}

Result<int64_t> ParseEpochUnit(std::string_view text) {
  if (text == "ns" || text == "n") return int64_t{1};
  if (text == "us" || text == "u" || text == "µ") return int64_t{1000};
  if (text == "ms") return int64_t{1000000};
  if (text == "s") return kNsPerSecond;
  if (text == "m") return 60 * kNsPerSecond;
  if (text == "h") return 3600 * kNsPerSecond;
  return Status::InvalidArgument(
      "epoch: expected one of \"s\", \"ms\", \"us\", \"ns\", got \"" +
      std::string(text) + "\"");
}

Result<CalendarStep> ParseCalendarStep(std::string_view step, bool zoned) {
  size_t digits = 0;
  while (digits < step.size() &&
         std::isdigit(static_cast<unsigned char>(step[digits]))) {
    ++digits;
  }
  const std::string_view unit = step.substr(digits);
  CalendarStep out;
  if (unit == "mo") {
    out.unit = CalendarUnit::kMonth;
  } else if (zoned && unit == "d") {
    out.unit = CalendarUnit::kDay;
  } else if (zoned && unit == "w") {
    out.unit = CalendarUnit::kWeek;
  } else {
    return out;  // count 0: a fixed duration
  }
  int count = 0;
  if (digits > 0 && digits <= 4) {
    std::from_chars(step.data(), step.data() + digits, count);
  }
  if (count < 1) {
    return Status::InvalidArgument("expected a count of 1 to 9999 before \"" +
                                   std::string(unit) + "\", got \"" +
                                   std::string(step) + "\"");
  }
  out.count = count;
  return out;
}

}  // namespace citynexus::query
