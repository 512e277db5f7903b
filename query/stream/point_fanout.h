// The fan-out of durable points to point streams, and the heartbeats.
//
// The PointFeed listener only appends the points to a bounded queue and
// wakes the "stream-fanout" thread; when the queue is full the points are
// dropped and every point stream is closed with an `overloaded` notice (a
// stream must not silently miss points, and ingest must not wait). The
// thread resolves each series once (store catalog, cached), matches it
// against each client's selector (cached per client) and sends one write
// per client per batch.
//
// The fan-out listens to the feed only while point streams are open: the
// first one subscribes it (PointClientAdded), and the thread unsubscribes
// once none is left, so without streams the write path does no work here
// (PointFeed::active() is false).
//
// Thread-safety: Start/Stop from one thread; PointClientAdded and the
// listener from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "engine/engine.h"
#include "query/stream/stream_clients.h"

namespace citynexus::query::stream {

class PointFanout {
 public:
  // All references must outlive this object.
  PointFanout(engine::Store& store, engine::PointFeed& feed,
              StreamClients& clients, size_t max_queued_points,
              std::chrono::milliseconds heartbeat_interval);
  ~PointFanout();  // Stop()s

  void Start();
  // Unsubscribes from the feed and joins the thread. Idempotent.
  void Stop();
  // A point stream was registered: listen to the feed (no-op unless
  // started, or when already listening).
  void PointClientAdded();

 private:
  // Stops listening once no point stream is left (fan-out thread).
  void ReleaseFeedIfIdle() EXCLUDES(feed_mu_);
  void Enqueue(std::span<const engine::Point> points) EXCLUDES(mu_);
  void Run();
  void Deliver(const std::vector<engine::Point>& points);
  // The JSON prefix of `series`, or null when it cannot be resolved.
  const engine::SeriesKey* KeyOf(engine::SeriesId series,
                                 const std::string** prefix);

  engine::Store& store_;
  engine::PointFeed& feed_;
  StreamClients& clients_;
  const size_t max_queued_points_;
  const std::chrono::milliseconds heartbeat_interval_;
  Mutex feed_mu_;
  bool started_ GUARDED_BY(feed_mu_) = false;
  uint64_t feed_token_ GUARDED_BY(feed_mu_) = 0;  // 0: not listening

  Mutex mu_;
  CondVar wake_;
  std::vector<engine::Point> queued_ GUARDED_BY(mu_);
  bool overflowed_ GUARDED_BY(mu_) = false;
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread thread_;

  // Fan-out thread only.
  struct SeriesText {
    engine::SeriesKey key;
    std::string json_prefix;
  };
  std::unordered_map<engine::SeriesId, SeriesText> series_;
};

}  // namespace citynexus::query::stream
