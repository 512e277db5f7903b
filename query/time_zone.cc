#include "query/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "query/civil_time.h"

namespace citynexus::query {

// A POSIX TZ rule with DST given as Mm.w.d dates: "CET-1CEST,M3.5.0,M10.5.0/3".
// Zones without DST have has_dst == false and use std_offset always.
struct TimeZone::Rule {
  int32_t std_offset =
      0;  // seconds east of UTC (POSIX writes west: sign flipped)
  bool has_dst = false;
  int32_t dst_offset = 0;
  struct Date {
    unsigned month = 0, week = 0, weekday = 0;
    int32_t time = 7200;  // local seconds after midnight
  } start, end;
};

namespace {

Status Bad(std::string_view name, std::string_view why) {
  return Status::InvalidArgument("tz: time zone \"" + std::string(name) +
                                 "\": " + std::string(why));
}

int64_t ReadBe(const std::string& d, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v = (v << 8) | static_cast<unsigned char>(d[pos + static_cast<size_t>(i)]);
  }
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

// ---- POSIX TZ string parsing ----

class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  bool Parse(TimeZone::Rule* rule) {
    if (!Name()) return false;
    int32_t west;
    if (!Offset(&west)) return false;
    rule->std_offset = -west;
    if (pos_ == s_.size()) return true;
    if (!Name()) return false;
    rule->has_dst = true;
    rule->dst_offset = rule->std_offset + 3600;
    if (pos_ < s_.size() && s_[pos_] != ',') {
      if (!Offset(&west)) return false;
      rule->dst_offset = -west;
    }
    if (pos_ == s_.size() || s_[pos_] != ',') return false;
    ++pos_;
    if (!DateRule(&rule->start)) return false;
    if (pos_ == s_.size() || s_[pos_] != ',') return false;
    ++pos_;
    if (!DateRule(&rule->end)) return false;
    return pos_ == s_.size();
  }

 private:
  bool Name() {
    if (pos_ < s_.size() && s_[pos_] == '<') {
      const size_t close = s_.find('>', pos_);
      if (close == std::string_view::npos) return false;
      pos_ = close + 1;
      return true;
    }
    const size_t begin = pos_;
    while (pos_ < s_.size() &&
           std::isalpha(static_cast<unsigned char>(s_[pos_]))) {
      ++pos_;
    }
    return pos_ - begin >= 3;
  }
  bool Number(int* out) {
    const size_t begin = pos_;
    int v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      v = v * 10 + (s_[pos_++] - '0');
    }
    *out = v;
    return pos_ > begin;
  }
  // [+-]hh[:mm[:ss]] in seconds.
  bool Offset(int32_t* seconds) {
    int sign = 1;
    if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
      sign = s_[pos_++] == '-' ? -1 : 1;
    }
    int h = 0, m = 0, sec = 0;
    if (!Number(&h)) return false;
    if (pos_ < s_.size() && s_[pos_] == ':') {
      ++pos_;
      if (!Number(&m)) return false;
      if (pos_ < s_.size() && s_[pos_] == ':') {
        ++pos_;
        if (!Number(&sec)) return false;
      }
    }
    *seconds = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  // Only the Mm.w.d form: the others (Jn, n) are not used by current zones.
  bool DateRule(TimeZone::Rule::Date* d) {
    if (pos_ == s_.size() || s_[pos_] != 'M') return false;
    ++pos_;
    int m = 0, w = 0, wd = 0;
    if (!Number(&m) || pos_ == s_.size() || s_[pos_++] != '.') return false;
    if (!Number(&w) || pos_ == s_.size() || s_[pos_++] != '.') return false;
    if (!Number(&wd)) return false;
    if (m < 1 || m > 12 || w < 1 || w > 5 || wd > 6) return false;
    d->month = static_cast<unsigned>(m);
    d->week = static_cast<unsigned>(w);
    d->weekday = static_cast<unsigned>(wd);
    if (pos_ < s_.size() && s_[pos_] == '/') {
      ++pos_;
      if (!Offset(&d->time)) return false;
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Day number of the rule date in `year` (week 5 = the last such weekday).
int64_t RuleDay(int64_t year, const TimeZone::Rule::Date& d) {
  const int64_t first = DaysFromCivil(year, d.month, 1);
  const unsigned first_wd = WeekdayFromDays(first);
  int64_t day = first + static_cast<int64_t>((d.weekday + 7 - first_wd) % 7) +
                7 * static_cast<int64_t>(d.week - 1);
  const unsigned next_month = d.month == 12 ? 1 : d.month + 1;
  const int64_t month_end =
      DaysFromCivil(d.month == 12 ? year + 1 : year, next_month, 1);
  while (day >= month_end) day -= 7;
  return day;
}

int32_t RuleOffsetAt(const TimeZone::Rule& r, int64_t utc) {
  if (!r.has_dst) return r.std_offset;
  const int64_t year = CivilFromDays(FloorDiv(utc + r.std_offset, 86400)).year;
  // DST starts at a local standard time and ends at a local DST time.
  const int64_t start =
      RuleDay(year, r.start) * 86400 + r.start.time - r.std_offset;
  const int64_t end = RuleDay(year, r.end) * 86400 + r.end.time - r.dst_offset;
  const bool dst =
      start < end ? (utc >= start && utc < end) : (utc >= start || utc < end);
  return dst ? r.dst_offset : r.std_offset;
}

// Real TZif files are a few KiB; Asia/Tehran, among the largest, is < 3 KiB.
constexpr uintmax_t kMaxZoneFileBytes = 64 * 1024;

bool ValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] == '/' ||
      name.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' &&
        c != '-' && c != '+') {
      return false;
    }
  }
  return true;
}

}  // namespace

TimeZone TimeZone::Utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return Utc();
  if (!ValidZoneName(name)) return Bad(name, "not a valid zone name");
  const char* dir = std::getenv("TZDIR");
  const std::string path =
      std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" +
      std::string(name);
  // The name comes from clients: a directory ("Europe/") or a huge file
  // must be an error, not a stream exception or an unbounded read.
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) {
    return Bad(name, "unknown zone (no " + path + ")");
  }
  if (size > kMaxZoneFileBytes) return Bad(name, "not a TZif file: " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Bad(name, "unknown zone (no " + path + ")");
  std::string d(static_cast<size_t>(size), '\0');
  in.read(d.data(), static_cast<std::streamsize>(d.size()));
  d.resize(static_cast<size_t>(in.gcount()));
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0) {
    return Bad(name, "not a TZif file: " + path);
  }
  // RFC 8536: a v1 block with 32-bit times, then (version >= 2) a second
  // header and block with 64-bit times, then a POSIX TZ footer.
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i)
      c[i] = ReadBe(d, at + 20 + 4 * static_cast<size_t>(i), 4);
  };
  int64_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  counts(0, c);
  size_t header = 0;
  int time_bytes = 4;
  if (d[4] >= '2') {
    const size_t v1_size = static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 +
                                               c[5] + c[2] * 8 + c[1] + c[0]);
    header = 44 + v1_size;
    if (d.size() < header + 44) return Bad(name, "truncated TZif file");
    counts(header, c);
    time_bytes = 8;
  }
  const int64_t timecnt = c[3], typecnt = c[4];
  const size_t data = header + 44;
  const size_t block =
      static_cast<size_t>(c[3] * time_bytes + c[3] + c[4] * 6 + c[5] +
                          c[2] * (time_bytes + 4) + c[1] + c[0]);
  if (typecnt < 1 || d.size() < data + block) {
    return Bad(name, "truncated TZif file");
  }
  TimeZone z;
  z.name_ = std::string(name);
  const size_t types_at = data + static_cast<size_t>(timecnt * time_bytes);
  const size_t info_at = types_at + static_cast<size_t>(timecnt);
  auto offset_of_type = [&](int64_t type) {
    return static_cast<int32_t>(
        ReadBe(d, info_at + static_cast<size_t>(type) * 6, 4));
  };
  z.initial_offset_ = offset_of_type(0);
  for (int64_t i = 0; i < timecnt; ++i) {
    const int64_t t =
        ReadBe(d, data + static_cast<size_t>(i * time_bytes), time_bytes);
    const int64_t type =
        static_cast<unsigned char>(d[types_at + static_cast<size_t>(i)]);
    if (type >= typecnt) return Bad(name, "corrupt TZif transition type");
    z.transitions_.push_back(t);
    z.offsets_.push_back(offset_of_type(type));
  }
  if (time_bytes == 8) {
    const size_t footer = data + block;
    if (footer < d.size() && d[footer] == '\n') {
      const size_t close = d.find('\n', footer + 1);
      if (close != std::string::npos && close > footer + 1) {
        auto rule = std::make_shared<Rule>();
        PosixParser parser(
            std::string_view(d).substr(footer + 1, close - footer - 1));
        if (parser.Parse(rule.get())) z.rule_ = std::move(rule);
      }
    }
  }
  return z;
}

int64_t TimeZone::OffsetAt(int64_t utc_seconds) const {
  if (transitions_.empty()) {
    return rule_ ? RuleOffsetAt(*rule_, utc_seconds) : initial_offset_;
  }
  if (utc_seconds < transitions_.front()) return initial_offset_;
  if (utc_seconds >= transitions_.back() && rule_) {
    return RuleOffsetAt(*rule_, utc_seconds);
  }
  const auto it =
      std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::LocalToUtc(int64_t local_seconds) const {
  // The offsets in force a day before and after bracket any transition
  // near this local time (zones change at most once a day).
  const int64_t before = OffsetAt(local_seconds - 86400);
  const int64_t after = OffsetAt(local_seconds + 86400);
  const int64_t a = local_seconds - before;
  const int64_t b = local_seconds - after;
  const bool a_ok = OffsetAt(a) == before;
  const bool b_ok = OffsetAt(b) == after;
  if (a_ok && b_ok) return std::min(a, b);  // ambiguous: the earlier one
  if (a_ok) return a;
  if (b_ok) return b;
  return a;  // skipped local time: read with the offset before the jump
}

Result<std::vector<int64_t>> CalendarBucketEdges(int64_t start_ns,
                                                 int64_t end_ns,
                                                 CalendarUnit unit, int count,
                                                 const TimeZone& zone,
                                                 size_t max_buckets) {
  if (count < 1) return Status::InvalidArgument("step: count must be >= 1");
  constexpr int64_t kNs = 1000000000;
  const int64_t start_s = FloorDiv(start_ns, kNs);
  const int64_t local_day = FloorDiv(start_s + zone.OffsetAt(start_s), 86400);
  // Index of the first bucket in units since the epoch, and the local day
  // number where bucket `i` starts.
  int64_t index = 0;
  auto day_of = [&](int64_t i) -> int64_t {
    switch (unit) {
      case CalendarUnit::kDay:
        return i * count;
      case CalendarUnit::kWeek:
        return i * count * 7 - 3;  // 1969-12-29 was a Monday (day -3)
      case CalendarUnit::kMonth: {
        const int64_t months = i * count;
        const int64_t y = 1970 + FloorDiv(months, 12);
        const unsigned m =
            static_cast<unsigned>(months - FloorDiv(months, 12) * 12) + 1;
        return DaysFromCivil(y, m, 1);
      }
    }
    return 0;
  };
  switch (unit) {
    case CalendarUnit::kDay:
      index = FloorDiv(local_day, count);
      break;
    case CalendarUnit::kWeek:
      index = FloorDiv(FloorDiv(local_day + 3, 7), count);
      break;
    case CalendarUnit::kMonth: {
      const CivilDate date = CivilFromDays(local_day);
      const int64_t months = (date.year - 1970) * 12 + (date.month - 1);
      index = FloorDiv(months, count);
      break;
    }
  }
  std::vector<int64_t> edges;
  for (;; ++index) {
    const int64_t edge = zone.LocalToUtc(day_of(index) * 86400) * kNs;
    edges.push_back(edge);
    if (edge >= end_ns) break;
    if (edges.size() > max_buckets + 1) {
      return Status::ResourceExhausted("query would return more than " +
                                       std::to_string(max_buckets) +
                                       " buckets; the limit is max_buckets");
    }
  }
  return edges;
}

}  // namespace citynexus::query
