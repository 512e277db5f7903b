// Shared helpers of the structured-payload decoders (see decode_util.h).
#include "connectors/decoders/decode_util.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "common/enum_names.h"
#include "common/numbers.h"

namespace citynexus::connectors {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date (y, m 1..12, d 1..31).
// The era arithmetic keeps every step in non-negative integers.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);  // [0, 399]
  const unsigned doy =
      (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;         // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` decimal digits at `*pos`.
bool Digits(std::string_view s, size_t* pos, size_t n, unsigned* out) {
  if (*pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

Status NotRfc3339(std::string_view text, std::string_view why) {
  return Status::InvalidArgument(
      QuoteText(text) + " is not an RFC 3339 time (" + std::string(why) + ")");
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

// "inf", "nan", hex and a leading '+' are not numbers to JSON/CSV users.
bool ParseDouble(std::string_view text, double* out) {
  const std::optional<double> value = ParseDecimal(text);
  if (value) *out = *value;
  return value.has_value();
}

}  // namespace

namespace {

constexpr EnumName<TimeFormat> kTimeFormatNames[] = {
    {"rfc3339", TimeFormat::kRfc3339},
    {"epoch_s", TimeFormat::kEpochSeconds},
    {"epoch_ms", TimeFormat::kEpochMillis},
    {"epoch_ns", TimeFormat::kEpochNanos}};

constexpr EnumName<MappedType> kMappedTypeNames[] = {
    {"float", MappedType::kFloat},
    {"int", MappedType::kInt},
    {"bool", MappedType::kBool},
    {"string", MappedType::kString}};

}  // namespace

Result<TimeFormat> ParseTimeFormat(std::string_view text) {
  if (auto format = ValueOf(kTimeFormatNames, text)) return *format;
  return Status::InvalidArgument(
      "time format must be rfc3339, epoch_s, epoch_ms or epoch_ns, got " +
      QuoteText(text));
}

std::string_view TimeFormatName(TimeFormat format) {
  return NameOf(kTimeFormatNames, format, "rfc3339");
}

Result<MappedType> ParseMappedType(std::string_view text) {
  if (auto type = ValueOf(kMappedTypeNames, text)) return *type;
  return Status::InvalidArgument(
      "type must be float, int, bool or string, got " + QuoteText(text));
}

std::string_view MappedTypeName(MappedType type) {
  return NameOf(kMappedTypeNames, type, "float");
}

Result<int64_t> ParseRfc3339(std::string_view text) {
  size_t pos = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !Digits(text, &pos, 2, &month) || !Expect(text, &pos, '-') ||
      !Digits(text, &pos, 2, &day)) {
    return NotRfc3339(text, "expected YYYY-MM-DD");
  }
  if (pos >= text.size() ||
      (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return NotRfc3339(text, "expected 'T' after the date");
  }
  ++pos;
  if (!Digits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !Digits(text, &pos, 2, &second)) {
    return NotRfc3339(text, "expected hh:mm:ss");
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return NotRfc3339(text, "no such date");
  }
  // Second 60 is a leap second; POSIX time folds it into the next second.
  if (hour > 23 || minute > 59 || second > 60) {
    return NotRfc3339(text, "no such time of day");
  }
  int64_t frac_ns = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const size_t start = pos;
    int64_t scale = 100'000'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      frac_ns += (text[pos] - '0') * scale;  // digits past ns are truncated
      scale /= 10;
      ++pos;
    }
    if (pos == start) return NotRfc3339(text, "empty fraction");
  }
  int64_t offset_s = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const bool negative = text[pos] == '-';
    ++pos;
    unsigned oh = 0, om = 0;
    if (!Digits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') ||
        !Digits(text, &pos, 2, &om) || oh > 23 || om > 59) {
      return NotRfc3339(text, "bad UTC offset");
    }
    // Signed arithmetic: `oh` is unsigned, and -1 * unsigned wraps.
    offset_s = static_cast<int64_t>(oh * 3600 + om * 60);
    if (negative) offset_s = -offset_s;
  } else {
    return NotRfc3339(text, "missing time zone ('Z' or +hh:mm)");
  }
  if (pos != text.size()) return NotRfc3339(text, "trailing characters");
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 +
                          hour * 3600 + minute * 60 + second - offset_s;
  int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &ns) ||
      __builtin_add_overflow(ns, frac_ns, &ns)) {
    return NotRfc3339(text, "outside years 1677..2262");
  }
  return ns;
}

Result<int64_t> SecondsToNs(double seconds) {
  // 9.2e9 s is the int64 ns limit; compare before converting.
  constexpr double kLimit = 9.2e9;
  if (!std::isfinite(seconds) || seconds > kLimit || seconds < -kLimit) {
    return Status::InvalidArgument("time " + std::to_string(seconds) +
                                   " s is outside years 1677..2262");
  }
  // Integral and fractional parts separately: a double holds epoch seconds
  // to about 0.2 us, but seconds * 1e9 as one double would round to 256 ns.
  const double whole = std::floor(seconds);
  const int64_t frac_ns = std::llround((seconds - whole) * 1e9);
  return static_cast<int64_t>(whole) * kNanosPerSecond + frac_ns;
}

Result<int64_t> EpochNumberToNs(double value, TimeFormat format) {
  switch (format) {
    case TimeFormat::kRfc3339:
      return Status::InvalidArgument(
          "a number is not an RFC 3339 time (expected a string)");
    case TimeFormat::kEpochSeconds:
      return SecondsToNs(value);
    case TimeFormat::kEpochMillis:
      return SecondsToNs(value / 1e3);
    case TimeFormat::kEpochNanos:
      if (!std::isfinite(value) || std::fabs(value) > 9.2e18) {
        return Status::InvalidArgument("epoch ns value out of range");
      }
      return static_cast<int64_t>(std::llround(value));
  }
  return Status::InvalidArgument("unknown time format");
}

Result<int64_t> EpochIntegerToNs(int64_t value, TimeFormat format) {
  int64_t scale = 1;
  switch (format) {
    case TimeFormat::kRfc3339:
      return Status::InvalidArgument(
          "a number is not an RFC 3339 time (expected a string)");
    case TimeFormat::kEpochSeconds:
      scale = kNanosPerSecond;
      break;
    case TimeFormat::kEpochMillis:
      scale = 1'000'000;
      break;
    case TimeFormat::kEpochNanos:
      scale = 1;
      break;
  }
  int64_t ns = 0;
  if (__builtin_mul_overflow(value, scale, &ns)) {
    return Status::InvalidArgument("time " + std::to_string(value) +
                                   " is outside years 1677..2262");
  }
  return ns;
}

Result<int64_t> ParseTimeText(std::string_view text, TimeFormat format) {
  if (format == TimeFormat::kRfc3339) return ParseRfc3339(text);
  int64_t whole = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), whole);
  if (ec == std::errc() && end == text.data() + text.size()) {
    return EpochIntegerToNs(whole, format);
  }
  double value = 0;
  if (!ParseDouble(text, &value)) {
    return Status::InvalidArgument(QuoteText(text) + " is not an epoch number");
  }
  return EpochNumberToNs(value, format);
}

Result<FieldValue> ParseTextValue(std::string_view text, MappedType type) {
  switch (type) {
    case MappedType::kFloat: {
      double v = 0;
      if (!ParseDouble(text, &v)) {
        return Status::InvalidArgument(QuoteText(text) + " is not a number");
      }
      return FieldValue::Float(v);
    }
    case MappedType::kInt: {
      int64_t v = 0;
      auto [end, ec] =
          std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && end == text.data() + text.size()) {
        return FieldValue::Int(v);
      }
      // "12.0" and "1e3" are integers written as decimals; accept them
      // when exact and in range.
      double d = 0;
      if (ParseDouble(text, &d) && d == std::trunc(d) && d > -9.2e18 &&
          d < 9.2e18) {
        return FieldValue::Int(static_cast<int64_t>(d));
      }
      return Status::InvalidArgument(QuoteText(text) + " is not an integer");
    }
    case MappedType::kBool:
      if (EqualsIgnoreCase(text, "true") || text == "1") {
        return FieldValue::Bool(true);
      }
      if (EqualsIgnoreCase(text, "false") || text == "0") {
        return FieldValue::Bool(false);
      }
      return Status::InvalidArgument(QuoteText(text) +
                                     " is not a boolean (true/false/1/0)");
    case MappedType::kString:
      return FieldValue::String(text);
  }
  return Status::InvalidArgument("unknown field type");
}

std::string QuoteText(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  const size_t shown = std::min(s.size(), kMaxShown);
  for (size_t i = 0; i < shown; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 32 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

void LineBuilder::Begin(std::string_view measurement, int64_t timestamp_ns,
                        size_t position) {
  line_ = DecodedLine{};
  line_.measurement = measurement;
  line_.timestamp_ns = timestamp_ns;
  line_.line_number = position;
  line_.tags_begin = static_cast<uint32_t>(out_->tags.size());
  line_.fields_begin = static_cast<uint32_t>(out_->fields.size());
}

void LineBuilder::AddTag(std::string_view key, std::string_view value) {
  out_->tags.push_back({key, value});
}

bool LineBuilder::HasTag(std::string_view key) const {
  for (size_t i = line_.tags_begin; i < out_->tags.size(); ++i) {
    if (out_->tags[i].key == key) return true;
  }
  return false;
}

bool LineBuilder::AddField(std::string_view key, FieldValue value) {
  // Lines hold a handful of fields; a linear scan beats a set.
  for (size_t i = line_.fields_begin; i < out_->fields.size(); ++i) {
    if (out_->fields[i].key == key) return false;
  }
  out_->fields.push_back({key, value});
  return true;
}

size_t LineBuilder::field_count() const {
  return out_->fields.size() - line_.fields_begin;
}

uint32_t LineBuilder::Commit() {
  line_.tags_count =
      static_cast<uint32_t>(out_->tags.size() - line_.tags_begin);
  line_.fields_count = static_cast<uint32_t>(field_count());
  std::sort(
      out_->tags.begin() + line_.tags_begin, out_->tags.end(),
      [](const DecodedTag& a, const DecodedTag& b) { return a.key < b.key; });
  out_->lines.push_back(line_);
  return static_cast<uint32_t>(out_->lines.size() - 1);
}

void LineBuilder::Abort() {
  out_->tags.resize(line_.tags_begin);
  out_->fields.resize(line_.fields_begin);
}

DecodeError MessageError(std::string reason) {
  return MakeError(DecodeUnit::kMessage, 0, DecodeElement::kLine, "",
                   std::move(reason));
}

DecodeError MakeError(DecodeUnit unit, size_t position, DecodeElement element,
                      std::string name, std::string reason) {
  DecodeError e;
  e.line = position;
  e.element = element;
  e.name = std::move(name);
  e.reason = std::move(reason);
  e.unit = unit;
  return e;
}

}  // namespace citynexus::connectors
