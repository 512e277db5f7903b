#include "query/influxql/response.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace citynexus::query::influxql {
namespace {

// Civil date of days since 1970-01-01 (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

// A tiny JSON writer: compact, or indented like Go's MarshalIndent.
class Writer {
 public:
  explicit Writer(bool pretty) : pretty_(pretty) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key) {
    Separate();
    out_ += QuoteJson(key);
    out_ += pretty_ ? ": " : ":";
    after_key_ = true;
  }
  void Raw(std::string_view value) {
    Separate();
    out_ += value;
  }
  std::string Take() { return std::move(out_); }

 private:
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
      Newline();
    }
  }
  void Open(char c) {
    Separate();
    out_ += c;
    first_.push_back(true);
  }
  void Close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) Newline();
    out_ += c;
  }
  void Newline() {
    if (!pretty_) return;
    out_ += '\n';
    out_.append(first_.size() * 4, ' ');
  }

  bool pretty_;
  bool after_key_ = false;
  std::vector<bool> first_;  // per open container: nothing written yet
  std::string out_;
};

std::string FormatTime(int64_t ns, const TimeZone* zone) {
  if (zone == nullptr) return FormatRfc3339Nano(ns);
  int64_t seconds = ns / 1000000000;
  if (ns % 1000000000 < 0) --seconds;
  return FormatRfc3339Nano(ns, zone->OffsetAt(seconds));
}

void WriteCell(Writer& w, const Cell& c) {
  if (const auto* d = std::get_if<double>(&c)) {
    w.Raw(FormatFloat(*d));
  } else if (const auto* i = std::get_if<int64_t>(&c)) {
    w.Raw(std::to_string(*i));
  } else if (const auto* b = std::get_if<bool>(&c)) {
    w.Raw(*b ? "true" : "false");
  } else if (const auto* s = std::get_if<std::string>(&c)) {
    w.Raw(QuoteJson(*s));
  } else {
    w.Raw("null");
  }
}

void WriteRows(Writer& w, const ResultRows& r, const ResponseFormat& format) {
  w.BeginObject();
  if (!r.name.empty()) {
    w.Key("name");
    w.Raw(QuoteJson(r.name));
  }
  if (!r.tags.empty()) {
    w.Key("tags");
    w.BeginObject();
    for (const auto& [k, v] : r.tags) {
      w.Key(k);
      w.Raw(QuoteJson(v));
    }
    w.EndObject();
  }
  if (!r.columns.empty()) {
    w.Key("columns");
    w.BeginArray();
    for (const auto& c : r.columns) w.Raw(QuoteJson(c));
    w.EndArray();
  }
  if (!r.values.empty()) {
    w.Key("values");
    w.BeginArray();
    for (const auto& row : r.values) {
      w.BeginArray();
      for (size_t i = 0; i < row.size(); ++i) {
        const auto* t = std::get_if<int64_t>(&row[i]);
        if (i == 0 && r.time_column && t != nullptr) {
          // Go's integer division truncates toward zero, as C++'s does.
          w.Raw(format.epoch_divisor > 0
                    ? std::to_string(*t / format.epoch_divisor)
                    : QuoteJson(FormatTime(*t, r.zone.get())));
        } else {
          WriteCell(w, row[i]);
        }
      }
      w.EndArray();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

int64_t EpochDivisor(std::string_view epoch) {
  if (epoch.empty()) return 0;
  if (epoch == "u" || epoch == "\xC2\xB5") return 1000;
  if (epoch == "ms") return 1000000;
  if (epoch == "s") return 1000000000;
  if (epoch == "m") return 60LL * 1000000000;
  if (epoch == "h") return 3600LL * 1000000000;
  return 1;
}

std::string FormatRfc3339Nano(int64_t ns) { return FormatRfc3339Nano(ns, 0); }

std::string FormatRfc3339Nano(int64_t ns, int64_t offset_seconds) {
  // Wall-clock time at the offset (unsigned: no UB at the extremes).
  ns =
      static_cast<int64_t>(static_cast<uint64_t>(ns) +
                           static_cast<uint64_t>(offset_seconds) * 1000000000u);
  constexpr int64_t kNsPerDay = 86400LL * 1000000000;
  int64_t days = ns / kNsPerDay;
  int64_t rem = ns % kNsPerDay;
  if (rem < 0) {
    rem += kNsPerDay;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  const int64_t secs = rem / 1000000000;
  int64_t frac = rem % 1000000000;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  std::string out = buf;
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof(f), ".%09lld", static_cast<long long>(frac));
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  if (offset_seconds == 0) {
    out += 'Z';
    return out;
  }
  int64_t minutes = offset_seconds / 60;  // Go truncates toward zero
  out += minutes < 0 ? '-' : '+';
  if (minutes < 0) minutes = -minutes;
  auto two_digits = [&out](int64_t v) {
    if (v < 10) out += '0';
    out += std::to_string(v);
  };
  two_digits(minutes / 60);
  out += ':';
  two_digits(minutes % 60);
  return out;
}

std::string FormatFloat(double value) {
  if (!std::isfinite(value)) return "null";
  const double abs = std::fabs(value);
  const bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  char buf[64];
  auto [end, ec] = std::to_chars(
      buf, buf + sizeof(buf), value,
      exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string out(buf, ec == std::errc() ? end : buf);
  if (exponent) {
    // Go writes e-7 where C++ writes e-07.
    const size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') {
      out.erase(n - 2, 1);
    }
  }
  return out;
}

std::string QuoteJson(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) are escaped by Go as well.
    if (c == 0xE2 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  out += '"';
  return out;
}

std::string WriteResults(const std::vector<StatementResult>& results,
                         const ResponseFormat& format) {
  Writer w(format.pretty);
  w.BeginObject();
  w.Key("results");
  w.BeginArray();
  for (size_t i = 0; i < results.size(); ++i) {
    const StatementResult& r = results[i];
    w.BeginObject();
    w.Key("statement_id");
    w.Raw(std::to_string(i));
    if (!r.series.empty()) {
      w.Key("series");
      w.BeginArray();
      for (const auto& s : r.series) WriteRows(w, s, format);
      w.EndArray();
    }
    if (!r.error.empty()) {
      w.Key("error");
      w.Raw(QuoteJson(r.error));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take() + "\n";
}

std::string WriteError(std::string_view message, bool pretty) {
  Writer w(pretty);
  w.BeginObject();
  w.Key("error");
  w.Raw(QuoteJson(message));
  w.EndObject();
  return w.Take() + "\n";
}

}  // namespace citynexus::query::influxql
