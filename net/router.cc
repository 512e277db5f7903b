// Router: method + path pattern -> handler (declared in net/net.h).
//
// Matching works on the raw, still percent-encoded path split at '/', so an
// encoded slash ("%2F") stays inside one captured segment; each segment is
// decoded before it is compared with a literal or stored as a capture.
// When several patterns match, the most specific wins: at the first segment
// where they differ, a literal beats a capture ("/indicators/summary" beats
// "/indicators/{id}"), independent of registration order.
#include <algorithm>
#include <cassert>
#include <utility>

#include "net/net.h"
#include "net/url.h"

namespace citynexus::net {
namespace {
bool IsCapture(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Literal-ness per segment; a lexicographically greater vector is more
// specific.
std::vector<bool> Specificity(const std::vector<std::string>& segments) {
  std::vector<bool> out;
  out.reserve(segments.size());
  for (const auto& s : segments) {
    out.push_back(!IsCapture(s));
  }
  return out;
}
}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  AddAsync(std::move(method), std::move(pattern),
           [handler = std::move(handler)](const Request& request,
                                          const Responder& respond) {
             // Exceptions propagate to the session, which answers 500.
             respond(handler(request));
           });
}

void Router::AddAsync(std::string method, std::string pattern,
                      AsyncHandler handler) {
  assert(!pattern.empty() && pattern.front() == '/' &&
         "route patterns start with '/'");
  Route route;
  for (std::string_view s : SplitPathSegments(pattern)) {
    route.segments.emplace_back(s);
  }
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  for (Route& existing : routes_) {
    if (existing.method == route.method && existing.pattern == route.pattern) {
      existing = std::move(route);  // re-registering replaces
      return;
    }
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method,
                           std::string_view path) const {
  Match result;
  const std::vector<std::string_view> raw = SplitPathSegments(path);
  std::vector<std::string> decoded;
  decoded.reserve(raw.size());
  for (std::string_view s : raw) {
    auto d = PercentDecode(s, /*plus_as_space=*/false);
    if (!d) {
      return result;  // a malformed path matches nothing
    }
    decoded.push_back(std::move(*d));
  }

  const Route* best = nullptr;
  std::vector<bool> best_rank;
  for (const Route& route : routes_) {
    if (route.segments.size() != decoded.size()) {
      continue;
    }
    bool matches = true;
    for (size_t i = 0; i < decoded.size() && matches; ++i) {
      const std::string& seg = route.segments[i];
      if (IsCapture(seg)) {
        matches = !decoded[i].empty();
      } else {
        matches = seg == decoded[i];
      }
    }
    if (!matches) {
      continue;
    }
    if (route.method != method) {
      if (std::find(result.allowed_methods.begin(),
                    result.allowed_methods.end(),
                    route.method) == result.allowed_methods.end()) {
        result.allowed_methods.push_back(route.method);
      }
      continue;
    }
    std::vector<bool> rank = Specificity(route.segments);
    if (best == nullptr || rank > best_rank) {
      best = &route;
      best_rank = std::move(rank);
    }
  }
  if (best == nullptr) {
    std::sort(result.allowed_methods.begin(), result.allowed_methods.end());
    return result;
  }
  result.allowed_methods.clear();
  result.handler = &best->handler;
  result.pattern = best->pattern;
  for (size_t i = 0; i < decoded.size(); ++i) {
    const std::string& seg = best->segments[i];
    if (IsCapture(seg)) {
      result.params[seg.substr(1, seg.size() - 2)] = std::move(decoded[i]);
    }
  }
  return result;
}

}  // namespace citynexus::net
