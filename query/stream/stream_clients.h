// The open streams of GET /api/v1/stream and how text reaches them: a send
// that does not fit a client's buffer closes that client with a notice
// instead of waiting (the fan-out never blocks on a client).
//
// Thread-safety: safe for concurrent use; callbacks given to ForEach run
// under the registry lock and must not call the registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/stream/sse_events.h"

namespace citynexus::query::stream {

struct StreamClient {
  explicit StreamClient(net::ResponseStream s) : stream(std::move(s)) {}

  net::ResponseStream stream;
  int64_t epoch_divisor_ns = 1000000;  // `epoch` parameter; default ms
  // A point stream follows `selector`; an indicator stream follows
  // `indicator_id` at `indicator_step`.
  std::optional<PointSelector> selector;
  std::string indicator_id;
  std::string indicator_step;
  // Per series: whether `selector` matches (fan-out thread only).
  std::unordered_map<engine::SeriesId, bool> matches;
};

struct StreamCounters {
  net::Counter* clients = nullptr;       // gauge
  net::Counter* events = nullptr;        // events sent
  net::Counter* slow_clients = nullptr;  // disconnected for a full buffer
};

class StreamClients {
 public:
  StreamClients(size_t max_clients, StreamCounters counters);

  // Registers `client` and queues `greeting` to it under the registry lock
  // (so it precedes every event). `registered` (may be empty) runs once the
  // client counts and before the greeting goes out, so what it sets up
  // (the fan-out listening) is in place when the client sees the greeting.
  // kResourceExhausted when max_clients are open; kUnavailable after
  // CloseAll().
  Status Add(std::shared_ptr<StreamClient> client, std::string_view greeting,
             const std::function<void()>& registered = {});
  // Calls `visit` for every open client; drops clients whose stream closed.
  void ForEach(const std::function<void(StreamClient&)>& visit);
  // Queues `text` (`events` events) to `client`; when it does not fit the
  // buffer, closes the client with a `slow_client` notice. Call from
  // ForEach callbacks only.
  void Send(StreamClient& client, std::string_view text, size_t events);
  // Sends `text` to every client (heartbeats).
  void SendAll(std::string_view text);
  // Closes every stream after `last_text`; later Add() calls fail.
  void CloseAll(std::string_view last_text);
  // Distinct (indicator id, step) pairs that indicator streams follow.
  std::vector<std::pair<std::string, std::string>> IndicatorSubscriptions();
  size_t size();
  // False once CloseAll() ran.
  bool accepting();
  // Whether a point stream is registered (it may have closed since; closed
  // ones are dropped by ForEach and Add). The fan-out stops listening to the
  // feed when this turns false.
  bool HasPointClients() const {
    return point_clients_.load(std::memory_order_relaxed) > 0;
  }

 private:
  void DropClosedLocked() REQUIRES(mu_);

  const size_t max_clients_;
  const StreamCounters counters_;
  Mutex mu_;
  std::vector<std::shared_ptr<StreamClient>> clients_ GUARDED_BY(mu_);
  bool closed_ GUARDED_BY(mu_) = false;
  std::atomic<size_t> point_clients_{0};  // clients_ with a selector
};

}  // namespace citynexus::query::stream
