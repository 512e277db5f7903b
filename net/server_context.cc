// ServerContext bookkeeping and request metrics; see server_context.h.
#include "net/server_context.h"

#include <algorithm>

namespace citynexus::net {
namespace {
// Latency buckets in seconds (Prometheus client defaults).
const std::vector<double>& DurationBuckets() {
  static const std::vector<double> kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}
}  // namespace

bool ServerContext::Register(const std::shared_ptr<HttpSession>& session,
                             uint64_t* id) {
  MutexLock lock(&mu);
  if (stopping) {
    return false;
  }
  *id = next_session_id++;
  sessions.emplace(*id, session);
  return true;
}

void ServerContext::Unregister(uint64_t id) {
  MutexLock lock(&mu);
  sessions.erase(id);
}

void ServerContext::BeginRequest() {
  MutexLock lock(&mu);
  ++in_flight;
}

void ServerContext::EndRequest() {
  {
    MutexLock lock(&mu);
    --in_flight;
  }
  cv.SignalAll();
}

std::vector<std::shared_ptr<HttpSession>> ServerContext::Sessions() {
  std::vector<std::shared_ptr<HttpSession>> out;
  MutexLock lock(&mu);
  out.reserve(sessions.size());
  for (auto& [id, weak] : sessions) {
    if (auto s = weak.lock()) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

Router::Match ServerContext::FindRoute(std::string_view method,
                                       std::string_view path,
                                       bool* head_as_get) const {
  *head_as_get = false;
  auto find = [&](std::string_view m) {
    Router::Match match = builtin_router.Find(m, path);
    if (match.handler == nullptr && user_router != nullptr) {
      Router::Match user = user_router->Find(m, path);
      if (user.handler != nullptr) {
        return user;
      }
      for (auto& a : user.allowed_methods) {
        match.allowed_methods.push_back(std::move(a));
      }
    }
    return match;
  };
  Router::Match match = find(method);
  if (match.handler != nullptr) {
    return match;
  }
  if (method == "HEAD") {
    Router::Match get = find("GET");
    if (get.handler != nullptr) {
      *head_as_get = true;
      return get;
    }
  }
  auto& allowed = match.allowed_methods;
  if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) {
    allowed.push_back("HEAD");
  }
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  return match;
}

void ServerContext::RecordRequest(const std::string& route,
                                  std::string_view method, int status,
                                  std::chrono::nanoseconds duration) {
  const std::string_view method_label = MethodLabel(method);
  std::string key;
  key.reserve(route.size() + method_label.size() + 8);
  key += route;
  key += '\0';
  key += method_label;
  key += '\0';
  key += std::to_string(status);
  RequestMetrics handles;
  {
    MutexLock lock(&request_metrics_mu);
    auto it = request_metrics.find(key);
    if (it != request_metrics.end()) {
      handles = it->second;
    }
  }
  if (handles.requests == nullptr) {
    handles.requests = metrics->GetCounter(
        "citynexus_http_requests_total",
        "HTTP requests answered, by route pattern, method and status code.",
        {{"route", route},
         {"method", std::string(method_label)},
         {"status", std::to_string(status)}});
    handles.duration = metrics->GetHistogram(
        "citynexus_http_request_duration_seconds",
        "Time from a complete request to its response sent, by route "
        "pattern.",
        DurationBuckets(), {{"route", route}});
    MutexLock lock(&request_metrics_mu);
    request_metrics.emplace(std::move(key), handles);
  }
  handles.requests->Inc();
  handles.duration->Observe(std::chrono::duration<double>(duration).count());
}

std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (std::string_view m : kKnown) {
    if (m == method) {
      return m;
    }
  }
  return "OTHER";
}

}  // namespace citynexus::net
