#include "query/sta/options.h"

#include <cctype>
#include <charconv>

namespace citynexus::query::sta {
namespace {

Status OptionError(std::string_view option, size_t pos, std::string_view what) {
  return Status::InvalidArgument(std::string(option) + ": position " +
                                 std::to_string(pos + 1) + ": " +
                                 std::string(what));
}

// Splits `text` at `sep` outside quotes and parentheses; each part with its
// offset. kInvalidArgument for unbalanced parentheses or quotes.
Result<std::vector<std::pair<std::string_view, size_t>>> SplitTop(
    std::string_view text, char sep, std::string_view option) {
  std::vector<std::pair<std::string_view, size_t>> parts;
  int depth = 0;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\'') quoted = false;  // '' re-enters at once: fine
      continue;
    }
    if (c == '\'') {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth < 0) return OptionError(option, i, "unbalanced ')'");
    } else if (c == sep && depth == 0) {
      parts.emplace_back(text.substr(start, i - start), start);
      start = i + 1;
    }
  }
  if (quoted) return OptionError(option, text.size(), "unterminated string");
  if (depth != 0) return OptionError(option, text.size(), "missing ')'");
  parts.emplace_back(text.substr(start), start);
  if (parts.size() > kMaxListItems) {
    return Status::InvalidArgument(std::string(option) + ": more than " +
                                   std::to_string(kMaxListItems) + " items");
  }
  return parts;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

Result<uint64_t> ParseCount(std::string_view option, std::string_view text,
                            uint64_t max) {
  uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() ||
      text.empty()) {
    return OptionError(option, 0,
                       "expected a non-negative integer, got \"" +
                           std::string(text.substr(0, 40)) + "\"");
  }
  if (v > max) {
    return Status::InvalidArgument(std::string(option) + ": at most " +
                                   std::to_string(max));
  }
  return v;
}

Status ApplyOption(QueryOptions& o, std::string_view name,
                   std::string_view value, int depth);

// "Datastreams/Observations($top=1;$filter=...)" -> an ExpandItem.
Result<ExpandItem> ParseExpandItem(std::string_view text, size_t offset,
                                   int depth) {
  ExpandItem item;
  std::string_view head = text;
  std::string_view inner;
  if (auto paren = text.find('('); paren != std::string_view::npos) {
    if (text.back() != ')') {
      return OptionError("$expand", offset + text.size(), "expected ')'");
    }
    head = text.substr(0, paren);
    inner = text.substr(paren + 1, text.size() - paren - 2);
  }
  head = Trim(head);
  if (head.empty()) return OptionError("$expand", offset, "empty item");
  size_t start = 0;
  while (start <= head.size()) {
    size_t slash = head.find('/', start);
    if (slash == std::string_view::npos) slash = head.size();
    std::string_view seg = head.substr(start, slash - start);
    if (seg.empty())
      return OptionError("$expand", offset + start, "empty path segment");
    for (char c : seg) {
      if (!std::isalnum(static_cast<unsigned char>(c))) {
        return OptionError("$expand", offset + start,
                           "expected a navigation property name");
      }
    }
    item.path.emplace_back(seg);
    start = slash + 1;
  }
  if (static_cast<int>(item.path.size()) + depth > kMaxExpandDepth) {
    return Status::InvalidArgument("$expand: nested deeper than " +
                                   std::to_string(kMaxExpandDepth));
  }
  if (!inner.empty()) {
    auto parts = SplitTop(inner, ';', "$expand");
    if (!parts) return parts.error();
    for (const auto& [part, at] : *parts) {
      std::string_view p = Trim(part);
      const size_t eq = p.find('=');
      if (eq == std::string_view::npos) {
        return OptionError("$expand", offset + at, "expected $option=value");
      }
      Status s =
          ApplyOption(item.options, Trim(p.substr(0, eq)), p.substr(eq + 1),
                      depth + static_cast<int>(item.path.size()));
      if (!s.ok()) return s.WithContext("$expand " + std::string(head));
    }
  }
  // "A/B(opts)" is A($expand=B(opts)): nest from the back so every item has
  // a one-segment path and its options apply to that segment.
  while (item.path.size() > 1) {
    ExpandItem inner_item;
    inner_item.path = {item.path.back()};
    inner_item.options = std::move(item.options);
    item.path.pop_back();
    item.options = QueryOptions();
    item.options.expand.push_back(std::move(inner_item));
  }
  return item;
}

Status ApplyOption(QueryOptions& o, std::string_view name,
                   std::string_view value, int depth) {
  if (value.size() > kMaxExpressionBytes) {
    return Status::InvalidArgument(std::string(name) + ": longer than " +
                                   std::to_string(kMaxExpressionBytes) +
                                   " bytes");
  }
  if (name == "$top") {
    auto v = ParseCount(name, value, UINT32_MAX);
    if (!v) return v.error();
    o.top = *v;
  } else if (name == "$skip") {
    auto v = ParseCount(name, value, kMaxSkip);
    if (!v) return v.error();
    o.skip = *v;
  } else if (name == "$count") {
    if (value != "true" && value != "false") {
      return OptionError(name, 0, "expected true or false");
    }
    o.count = value == "true";
  } else if (name == "$filter") {
    auto e = ParseExpr(value, name);
    if (!e) return e.error();
    o.filter = std::move(*e);
  } else if (name == "$select") {
    auto parts = SplitTop(value, ',', name);
    if (!parts) return parts.error();
    for (const auto& [p, at] : *parts) {
      std::string_view s = Trim(p);
      if (s.empty()) return OptionError(name, at, "empty property name");
      for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '@' &&
            c != '.' && c != '_' && c != '/') {
          return OptionError(name, at, "expected a property name");
        }
      }
      o.select.emplace_back(s);
    }
  } else if (name == "$orderby") {
    auto parts = SplitTop(value, ',', name);
    if (!parts) return parts.error();
    for (const auto& [p, at] : *parts) {
      std::string_view s = Trim(p);
      OrderBy ob;
      auto ends_with = [&s](std::string_view suffix) {
        return s.size() > suffix.size() &&
               s.substr(s.size() - suffix.size()) == suffix &&
               std::isspace(
                   static_cast<unsigned char>(s[s.size() - suffix.size() - 1]));
      };
      if (ends_with("desc")) {
        ob.descending = true;
        s = Trim(s.substr(0, s.size() - 4));
      } else if (ends_with("asc")) {
        s = Trim(s.substr(0, s.size() - 3));
      }
      auto e = ParseExpr(s, name);
      if (!e)
        return e.error().WithContext("item at position " +
                                     std::to_string(at + 1));
      ob.expr = std::move(*e);
      o.orderby.push_back(std::move(ob));
    }
  } else if (name == "$expand") {
    if (depth >= kMaxExpandDepth) {
      return Status::InvalidArgument("$expand: nested deeper than " +
                                     std::to_string(kMaxExpandDepth));
    }
    auto parts = SplitTop(value, ',', name);
    if (!parts) return parts.error();
    for (const auto& [p, at] : *parts) {
      auto item = ParseExpandItem(Trim(p), at, depth);
      if (!item) return item.error();
      o.expand.push_back(std::move(*item));
    }
  } else if (name == "$resultFormat") {
    if (value != "dataArray") {
      return Status::NotSupported("$resultFormat: only dataArray is supported");
    }
    o.data_array = true;
  } else if (name == "$aggregate") {
    static constexpr std::string_view kFunctions[] = {
        "mean", "min", "max", "sum", "count", "first", "last"};
    bool known = false;
    for (auto f : kFunctions) known = known || f == value;
    if (!known) {
      return Status::InvalidArgument(
          "$aggregate: expected mean, min, max, sum, count, first or last, "
          "got \"" +
          std::string(value.substr(0, 40)) + "\"");
    }
    o.aggregate = std::string(value);
  } else if (name == "$interval") {
    int months = 0, days = 0;
    auto d = ParseIsoDuration(value, &months, &days);
    if (!d) return d.error();
    o.interval = std::string(value);
  } else if (name == "$tz") {
    if (value.empty() || value.size() > 64) {
      return Status::InvalidArgument("$tz: expected an IANA time zone name");
    }
    o.tz = std::string(value);
  } else {
    return Status::NotSupported("query option " + std::string(name) +
                                " is not supported");
  }
  return Status::Ok();
}

}  // namespace

Result<QueryOptions> ParseQueryOptions(
    const std::vector<std::pair<std::string, std::string>>& params) {
  QueryOptions o;
  for (const auto& [name, value] : params) {
    if (name.empty() || name[0] != '$') continue;
    Status s = ApplyOption(o, name, value, 0);
    if (!s.ok()) return s;
  }
  if (!o.aggregate.empty() && o.interval.empty()) {
    return Status::InvalidArgument("$aggregate needs $interval (e.g. PT1H)");
  }
  if (o.aggregate.empty() && (!o.interval.empty() || !o.tz.empty())) {
    return Status::InvalidArgument("$interval and $tz need $aggregate");
  }
  return o;
}

Result<int64_t> ParseIsoDuration(std::string_view text, int* months,
                                 int* days) {
  auto bad = [&text] {
    return Status::InvalidArgument(
        "$interval: expected an ISO 8601 duration such as PT15M, PT1H, P1D, "
        "P1W or P1M, got \"" +
        std::string(text.substr(0, 40)) + "\"");
  };
  *months = 0;
  *days = 0;
  if (text.size() < 3 || text[0] != 'P') return bad();
  constexpr int64_t kSecond = 1'000'000'000;
  int64_t total = 0;
  bool in_time = false;
  size_t pos = 1;
  bool any = false;
  while (pos < text.size()) {
    if (text[pos] == 'T') {
      if (in_time) return bad();
      in_time = true;
      ++pos;
      continue;
    }
    uint64_t n = 0;
    auto r = std::from_chars(text.data() + pos, text.data() + text.size(), n);
    if (r.ec != std::errc() || r.ptr == text.data() + text.size()) return bad();
    if (n > 100000) return bad();
    const auto v = static_cast<int64_t>(n);
    pos = static_cast<size_t>(r.ptr - text.data());
    const char unit = text[pos++];
    any = true;
    if (!in_time) {
      if (unit == 'Y')
        *months += static_cast<int>(12 * v);
      else if (unit == 'M')
        *months += static_cast<int>(v);
      else if (unit == 'W')
        *days += static_cast<int>(7 * v);
      else if (unit == 'D')
        *days += static_cast<int>(v);
      else
        return bad();
    } else {
      if (unit == 'H')
        total += v * 3600 * kSecond;
      else if (unit == 'M')
        total += v * 60 * kSecond;
      else if (unit == 'S')
        total += v * kSecond;
      else
        return bad();
    }
  }
  if (!any) return bad();
  if (*months > 0) {
    if (*days > 0 || total > 0) return bad();  // months mix with nothing
    return int64_t{0};
  }
  total += int64_t{*days} * 86400 * kSecond;
  if (total <= 0) return bad();
  return total;
}

}  // namespace citynexus::query::sta
