// ServerContext bookkeeping and request metrics; see server_context.h.
#include "net/server_context.h"

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
  std::lock_guard<std::mutex> lock(mu);
  if (stopping) return false;
  *id = next_session_id++;
  sessions.emplace(*id, session);
  return true;
}

void ServerContext::Unregister(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu);
  sessions.erase(id);
}

void ServerContext::BeginRequest() {
  std::lock_guard<std::mutex> lock(mu);
  ++in_flight;
}

void ServerContext::EndRequest() {
  {
    std::lock_guard<std::mutex> lock(mu);
    --in_flight;
  }
  cv.notify_all();
}

std::vector<std::shared_ptr<HttpSession>> ServerContext::Sessions() {
  std::vector<std::shared_ptr<HttpSession>> out;
  std::lock_guard<std::mutex> lock(mu);
  out.reserve(sessions.size());
  for (auto& [id, weak] : sessions) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

void ServerContext::RecordRequest(const std::string& route,
                                  std::string_view method, int status,
                                  std::chrono::nanoseconds duration) {
  metrics
      ->GetCounter("citynexus_http_requests_total",
                   "HTTP requests answered, by route pattern, method and "
                   "status code.",
                   {{"route", route},
                    {"method", std::string(MethodLabel(method))},
                    {"status", std::to_string(status)}})
      ->Inc();
  metrics
      ->GetHistogram("citynexus_http_request_duration_seconds",
                     "Time from a complete request to its response sent, by "
                     "route pattern.",
                     DurationBuckets(), {{"route", route}})
      ->Observe(std::chrono::duration<double>(duration).count());
}

std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (std::string_view m : kKnown) {
    if (m == method) return m;
  }
  return "OTHER";
}

}  // namespace citynexus::net
