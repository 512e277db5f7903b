#include "query/query_guard.h"

#include <string>

namespace citynexus::query {
namespace {
// A probe is a non-blocking recv(MSG_PEEK): cheap, but not free.
constexpr auto kProbeEvery = std::chrono::milliseconds(5);
}  // namespace

QueryGuard::QueryGuard(std::chrono::milliseconds timeout,
                       std::function<bool()> client_gone)
    : timeout_(timeout), client_gone_(std::move(client_gone)) {
  if (timeout_.count() > 0) deadline_ = Clock::now() + timeout_;
}

Status QueryGuard::Check() const {
  if (!stopped_.ok()) return stopped_;
  const auto now = Clock::now();
  if (now >= deadline_) {
    stopped_ = Status::DeadlineExceeded(
        "query stopped after " + std::to_string(timeout_.count()) +
        " ms: it exceeded the time limit (query.timeout); narrow the time "
        "range, select fewer series or use a coarser step");
    return stopped_;
  }
  if (client_gone_ && now >= next_probe_) {
    next_probe_ = now + kProbeEvery;
    if (client_gone_()) {
      stopped_ = Status::Cancelled("query cancelled: the client disconnected");
    }
  }
  return stopped_;
}

}  // namespace citynexus::query
