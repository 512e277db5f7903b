// Evaluation of OData expressions, ISO 8601 times, and the phenomenonTime
// bounds a filter implies (pushed down into store scans).
#include <cctype>
#include <cmath>
#include <cstdio>

#include "query/civil_time.h"
#include "query/sta/expr.h"

namespace citynexus::query::sta {
namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kNsPerDay = 86400 * kNsPerSecond;

// Parses exactly `n` digits at text[pos]; advances pos.
bool Digits(std::string_view text, size_t& pos, int n, int64_t* out) {
  if (pos + n > text.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  *out = v;
  return true;
}

// A string compared with a time is read as a time; anything else as is.
std::optional<int64_t> AsTime(const ExprValue& v) {
  if (v.kind == ExprValue::Kind::kTime) return v.time_ns;
  if (v.kind == ExprValue::Kind::kString) {
    // An interval "start/end" compares by its start.
    std::string_view s = v.text;
    if (auto slash = s.find('/'); slash != std::string_view::npos) {
      s = s.substr(0, slash);
    }
    return ParseIsoTime(s);
  }
  return std::nullopt;
}

// -1/0/1, or nullopt when the values are not comparable.
std::optional<int> Compare(const ExprValue& a, const ExprValue& b) {
  using K = ExprValue::Kind;
  if (a.kind == K::kTime || b.kind == K::kTime) {
    auto x = AsTime(a);
    auto y = AsTime(b);
    if (!x || !y) return std::nullopt;
    return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  if (a.kind != b.kind) return std::nullopt;
  switch (a.kind) {
    case K::kNull:
      return 0;
    case K::kNumber:
      if (std::isnan(a.number) || std::isnan(b.number)) return std::nullopt;
      return a.number < b.number ? -1 : (a.number > b.number ? 1 : 0);
    case K::kString:
      return a.text < b.text ? -1 : (a.text > b.text ? 1 : 0);
    case K::kBool:
      return a.boolean == b.boolean ? 0 : (a.boolean ? 1 : -1);
    case K::kTime:
      break;
  }
  return std::nullopt;
}

ExprValue Arithmetic(const std::string& op, const ExprValue& a,
                     const ExprValue& b) {
  using K = ExprValue::Kind;
  if (a.kind != K::kNumber || b.kind != K::kNumber) return ExprValue::Null();
  if (op == "add") return ExprValue::Number(a.number + b.number);
  if (op == "sub") return ExprValue::Number(a.number - b.number);
  if (op == "mul") return ExprValue::Number(a.number * b.number);
  if (op == "div") {
    if (b.number == 0) return ExprValue::Null();
    return ExprValue::Number(a.number / b.number);
  }
  if (b.number == 0) return ExprValue::Null();
  return ExprValue::Number(std::fmod(a.number, b.number));
}

ExprValue CallFunction(const Expr& e, const std::vector<ExprValue>& a,
                       int64_t now_ns) {
  using K = ExprValue::Kind;
  const std::string& f = e.op;
  auto str = [&](size_t i) -> const std::string* {
    return a[i].kind == K::kString ? &a[i].text : nullptr;
  };
  if (f == "now") return ExprValue::Time(now_ns);
  if (f == "mindatetime") return ExprValue::Time(INT64_MIN);
  if (f == "maxdatetime") return ExprValue::Time(INT64_MAX);
  if (f == "substringof" || f == "contains" || f == "startswith" ||
      f == "endswith" || f == "indexof" || f == "concat") {
    const std::string* x = str(0);
    const std::string* y = str(1);
    if (!x || !y) return ExprValue::Null();
    if (f == "substringof")
      return ExprValue::Bool(y->find(*x) != std::string::npos);
    if (f == "contains")
      return ExprValue::Bool(x->find(*y) != std::string::npos);
    if (f == "startswith") return ExprValue::Bool(x->rfind(*y, 0) == 0);
    if (f == "endswith") {
      return ExprValue::Bool(x->size() >= y->size() &&
                             x->compare(x->size() - y->size(), y->size(), *y) ==
                                 0);
    }
    if (f == "indexof") {
      const size_t p = x->find(*y);
      return ExprValue::Number(p == std::string::npos ? -1.0
                                                      : static_cast<double>(p));
    }
    return ExprValue::String(*x + *y);
  }
  if (f == "length" || f == "tolower" || f == "toupper" || f == "trim" ||
      f == "substring") {
    const std::string* x = str(0);
    if (!x) return ExprValue::Null();
    if (f == "length") return ExprValue::Number(static_cast<double>(x->size()));
    std::string s = *x;
    if (f == "tolower") {
      for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return ExprValue::String(s);
    }
    if (f == "toupper") {
      for (char& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return ExprValue::String(s);
    }
    if (f == "trim") {
      const size_t b = s.find_first_not_of(" \t\r\n");
      if (b == std::string::npos) return ExprValue::String("");
      const size_t end = s.find_last_not_of(" \t\r\n");
      return ExprValue::String(s.substr(b, end - b + 1));
    }
    // substring(s, start[, length])
    if (a[1].kind != K::kNumber || a[1].number < 0) return ExprValue::Null();
    const size_t start = static_cast<size_t>(a[1].number);
    if (start >= s.size()) return ExprValue::String("");
    if (a.size() == 3) {
      if (a[2].kind != K::kNumber || a[2].number < 0) return ExprValue::Null();
      return ExprValue::String(
          s.substr(start, static_cast<size_t>(a[2].number)));
    }
    return ExprValue::String(s.substr(start));
  }
  if (f == "round" || f == "floor" || f == "ceiling") {
    if (a[0].kind != K::kNumber) return ExprValue::Null();
    if (f == "round") return ExprValue::Number(std::round(a[0].number));
    if (f == "floor") return ExprValue::Number(std::floor(a[0].number));
    return ExprValue::Number(std::ceil(a[0].number));
  }
  // Date parts, in UTC (times are rendered and compared in UTC).
  auto t = AsTime(a[0]);
  if (!t) return ExprValue::Null();
  const int64_t days = FloorDiv(*t, kNsPerDay);
  const int64_t in_day = *t - days * kNsPerDay;
  const CivilDate date = CivilFromDays(days);
  if (f == "year") return ExprValue::Number(static_cast<double>(date.year));
  if (f == "month") return ExprValue::Number(date.month);
  if (f == "day") return ExprValue::Number(date.day);
  if (f == "hour")
    return ExprValue::Number(
        static_cast<double>(in_day / (3600 * kNsPerSecond)));
  if (f == "minute") {
    return ExprValue::Number(
        static_cast<double>(in_day / (60 * kNsPerSecond) % 60));
  }
  if (f == "second")
    return ExprValue::Number(static_cast<double>(in_day / kNsPerSecond % 60));
  if (f == "fractionalseconds") {
    return ExprValue::Number(static_cast<double>(in_day % kNsPerSecond) / 1e9);
  }
  if (f == "date") return ExprValue::Time(days * kNsPerDay);
  if (f == "time") return ExprValue::Number(static_cast<double>(in_day) / 1e9);
  if (f == "totaloffsetminutes") return ExprValue::Number(0);
  return ExprValue::Null();
}

}  // namespace

ExprValue ExprValue::Number(double v) {
  ExprValue e;
  e.kind = Kind::kNumber;
  e.number = v;
  return e;
}
ExprValue ExprValue::String(std::string v) {
  ExprValue e;
  e.kind = Kind::kString;
  e.text = std::move(v);
  return e;
}
ExprValue ExprValue::Bool(bool v) {
  ExprValue e;
  e.kind = Kind::kBool;
  e.boolean = v;
  return e;
}
ExprValue ExprValue::Time(int64_t ns) {
  ExprValue e;
  e.kind = Kind::kTime;
  e.time_ns = ns;
  return e;
}

ExprValue Evaluate(const Expr& e, const PathResolver& resolve, int64_t now_ns) {
  using K = ExprValue::Kind;
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      return e.literal;
    case Expr::Kind::kPath:
      return resolve(e.path);
    case Expr::Kind::kUnary: {
      ExprValue v = Evaluate(*e.args[0], resolve, now_ns);
      if (e.op == "not") {
        if (v.kind != K::kBool) return ExprValue::Null();
        return ExprValue::Bool(!v.boolean);
      }
      if (v.kind != K::kNumber) return ExprValue::Null();
      return ExprValue::Number(-v.number);
    }
    case Expr::Kind::kBinary: {
      const std::string& op = e.op;
      if (op == "and" || op == "or") {
        ExprValue l = Evaluate(*e.args[0], resolve, now_ns);
        const bool lb = l.kind == K::kBool && l.boolean;
        if (op == "and" && !lb) return ExprValue::Bool(false);
        if (op == "or" && lb) return ExprValue::Bool(true);
        ExprValue r = Evaluate(*e.args[1], resolve, now_ns);
        return ExprValue::Bool(r.kind == K::kBool && r.boolean);
      }
      ExprValue l = Evaluate(*e.args[0], resolve, now_ns);
      ExprValue r = Evaluate(*e.args[1], resolve, now_ns);
      if (op == "eq" || op == "ne") {
        if (l.kind == K::kNull || r.kind == K::kNull) {
          const bool both = l.kind == r.kind;
          return ExprValue::Bool(op == "eq" ? both : !both);
        }
        auto c = Compare(l, r);
        const bool equal = c && *c == 0;
        return ExprValue::Bool(op == "eq" ? equal : !equal);
      }
      if (op == "gt" || op == "ge" || op == "lt" || op == "le") {
        if (l.kind == K::kNull || r.kind == K::kNull)
          return ExprValue::Bool(false);
        auto c = Compare(l, r);
        if (!c) return ExprValue::Bool(false);
        if (op == "gt") return ExprValue::Bool(*c > 0);
        if (op == "ge") return ExprValue::Bool(*c >= 0);
        if (op == "lt") return ExprValue::Bool(*c < 0);
        return ExprValue::Bool(*c <= 0);
      }
      return Arithmetic(op, l, r);
    }
    case Expr::Kind::kCall: {
      std::vector<ExprValue> args;
      args.reserve(e.args.size());
      for (const auto& a : e.args)
        args.push_back(Evaluate(*a, resolve, now_ns));
      return CallFunction(e, args, now_ns);
    }
  }
  return ExprValue::Null();
}

bool Matches(const Expr& expr, const PathResolver& resolve, int64_t now_ns) {
  ExprValue v = Evaluate(expr, resolve, now_ns);
  return v.kind == ExprValue::Kind::kBool && v.boolean;
}

int CompareForOrder(const ExprValue& a, const ExprValue& b) {
  if (a.kind != b.kind) {
    if (auto c = Compare(a, b)) return *c;
    return static_cast<int>(a.kind) < static_cast<int>(b.kind) ? -1 : 1;
  }
  if (auto c = Compare(a, b)) return *c;
  return 0;
}

std::optional<int64_t> ParseIsoTime(std::string_view s) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(s, pos, 4, &year) || pos >= s.size() || s[pos++] != '-' ||
      !Digits(s, pos, 2, &month) || pos >= s.size() || s[pos++] != '-' ||
      !Digits(s, pos, 2, &day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t frac_ns = 0;
  int64_t offset_s = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't') return std::nullopt;
    ++pos;
    if (!Digits(s, pos, 2, &hour) || pos >= s.size() || s[pos++] != ':' ||
        !Digits(s, pos, 2, &minute)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, pos, 2, &second)) return std::nullopt;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int64_t scale = 100'000'000;
        size_t digits = 0;
        while (pos < s.size() &&
               std::isdigit(static_cast<unsigned char>(s[pos]))) {
          frac_ns += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
          ++digits;
        }
        if (digits == 0) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos >= s.size()) return std::nullopt;  // a time needs its zone
    if (s[pos] == 'Z' || s[pos] == 'z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int64_t oh = 0, om = 0;
      if (!Digits(s, pos, 2, &oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (!Digits(s, pos, 2, &om)) return std::nullopt;
      offset_s = sign * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month),
                                     static_cast<unsigned>(day));
  const int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return seconds * kNsPerSecond + frac_ns;
}

std::string FormatIsoTime(int64_t ns) {
  const int64_t days = FloorDiv(ns, kNsPerDay);
  const int64_t in_day = ns - days * kNsPerDay;
  const CivilDate d = CivilFromDays(days);
  const int64_t secs = in_day / kNsPerSecond;
  const int64_t frac = in_day % kNsPerSecond;
  char buf[64];
  int n =
      std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                    static_cast<long long>(d.year), d.month, d.day,
                    static_cast<long long>(secs / 3600),
                    static_cast<long long>(secs / 60 % 60),
                    static_cast<long long>(secs % 60));
  if (frac % 1'000'000 == 0) {
    n += std::snprintf(buf + n, sizeof buf - n, ".%03lldZ",
                       static_cast<long long>(frac / 1'000'000));
  } else {
    n += std::snprintf(buf + n, sizeof buf - n, ".%09lldZ",
                       static_cast<long long>(frac));
  }
  return std::string(buf, static_cast<size_t>(n));
}

TimeBounds ExtractTimeBounds(const Expr* filter) {
  TimeBounds b;
  if (filter == nullptr) {
    b.exact = true;
    return b;
  }
  bool exact = true;
  std::vector<const Expr*> stack{filter};
  while (!stack.empty()) {
    const Expr* e = stack.back();
    stack.pop_back();
    if (e->kind == Expr::Kind::kBinary && e->op == "and") {
      stack.push_back(e->args[0].get());
      stack.push_back(e->args[1].get());
      continue;
    }
    auto is_time_path = [](const Expr& x) {
      return x.kind == Expr::Kind::kPath && x.path.size() == 1 &&
             (x.path[0] == "phenomenonTime" || x.path[0] == "resultTime");
    };
    auto time_literal = [](const Expr& x) -> std::optional<int64_t> {
      if (x.kind != Expr::Kind::kLiteral) return std::nullopt;
      return AsTime(x.literal);
    };
    std::string op = e->kind == Expr::Kind::kBinary ? e->op : "";
    std::optional<int64_t> t;
    if (!op.empty() && is_time_path(*e->args[0])) {
      t = time_literal(*e->args[1]);
    } else if (!op.empty() && is_time_path(*e->args[1])) {
      t = time_literal(*e->args[0]);
      // Mirror: `T lt phenomenonTime` is `phenomenonTime gt T`.
      if (op == "lt")
        op = "gt";
      else if (op == "le")
        op = "ge";
      else if (op == "gt")
        op = "lt";
      else if (op == "ge")
        op = "le";
    }
    if (!t) {
      exact = false;
      continue;
    }
    const int64_t v = *t;
    if (op == "ge") {
      b.start_ns = std::max(b.start_ns, v);
    } else if (op == "gt") {
      b.start_ns = std::max(b.start_ns, v == INT64_MAX ? v : v + 1);
    } else if (op == "lt") {
      b.end_ns = std::min(b.end_ns, v);
    } else if (op == "le") {
      b.end_ns = std::min(b.end_ns, v == INT64_MAX ? v : v + 1);
    } else if (op == "eq") {
      b.start_ns = std::max(b.start_ns, v);
      b.end_ns = std::min(b.end_ns, v == INT64_MAX ? v : v + 1);
    } else {
      exact = false;
    }
  }
  b.exact = exact;
  return b;
}

}  // namespace citynexus::query::sta
