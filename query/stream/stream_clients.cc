// StreamClients: the registry of open streams; see stream_clients.h.
#include "query/stream/stream_clients.h"

#include <algorithm>
#include <set>

namespace citynexus::query::stream {

StreamClients::StreamClients(size_t max_clients, StreamCounters counters)
    : max_clients_(max_clients), counters_(counters) {}

Status StreamClients::Add(std::shared_ptr<StreamClient> client,
                          std::string_view greeting,
                          const std::function<void()>& registered) {
  MutexLock lock(&mu_);
  if (closed_) {
    return Status::Unavailable("the server is shutting down");
  }
  DropClosedLocked();
  if (clients_.size() >= max_clients_) {
    return Status::ResourceExhausted(
        "too many open streams (stream.max_clients = " +
        std::to_string(max_clients_) + ")");
  }
  if (client->selector) point_clients_.fetch_add(1, std::memory_order_relaxed);
  if (registered) registered();
  (void)client->stream.Write(greeting);
  clients_.push_back(std::move(client));
  counters_.clients->Set(static_cast<double>(clients_.size()));
  return Status::Ok();
}

void StreamClients::ForEach(const std::function<void(StreamClient&)>& visit) {
  MutexLock lock(&mu_);
  for (auto& client : clients_) {
    if (!client->stream.closed()) {
      visit(*client);
    }
  }
  DropClosedLocked();
}

void StreamClients::Send(StreamClient& client, std::string_view text,
                         size_t events) {
  if (text.empty() || client.stream.closed()) {
    return;
  }
  if (client.stream.Write(text)) {
    counters_.events->Inc(static_cast<double>(events));
    return;
  }
  if (client.stream.closed()) {
    return;  // the client went away
  }
  counters_.slow_clients->Inc();
  client.stream.CloseWith(NoticeEvent(
      "slow_client", "the client did not keep up: more than " +
                         std::to_string(client.stream.buffered_bytes()) +
                         " bytes were waiting to be sent; closing the stream"));
}

void StreamClients::SendAll(std::string_view text) {
  ForEach([&](StreamClient& client) { Send(client, text, 0); });
}

void StreamClients::CloseAll(std::string_view last_text) {
  MutexLock lock(&mu_);
  closed_ = true;
  for (auto& client : clients_) {
    client->stream.CloseWith(last_text);
  }
  clients_.clear();
  point_clients_.store(0, std::memory_order_relaxed);
  counters_.clients->Set(0);
}

std::vector<std::pair<std::string, std::string>>
StreamClients::IndicatorSubscriptions() {
  std::set<std::pair<std::string, std::string>> out;
  MutexLock lock(&mu_);
  for (const auto& client : clients_) {
    if (!client->indicator_id.empty() && !client->stream.closed()) {
      out.emplace(client->indicator_id, client->indicator_step);
    }
  }
  return {out.begin(), out.end()};
}

size_t StreamClients::size() {
  MutexLock lock(&mu_);
  DropClosedLocked();
  return clients_.size();
}

bool StreamClients::accepting() {
  MutexLock lock(&mu_);
  return !closed_;
}

void StreamClients::DropClosedLocked() {
  std::erase_if(clients_, [this](const std::shared_ptr<StreamClient>& c) {
    if (!c->stream.closed()) return false;
    if (c->selector) point_clients_.fetch_sub(1, std::memory_order_relaxed);
    return true;
  });
  counters_.clients->Set(static_cast<double>(clients_.size()));
}

}  // namespace citynexus::query::stream
