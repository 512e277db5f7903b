// PointFanout: durable points to point streams; see point_fanout.h.
#include "query/stream/point_fanout.h"

#include <utility>

#include "common/log.h"

namespace citynexus::query::stream {
namespace {
// The series caches are dropped when they grow past this (series churn).
constexpr size_t kMaxCachedSeries = 1000000;
}  // namespace

PointFanout::PointFanout(engine::Store& store, engine::PointFeed& feed,
                         StreamClients& clients, size_t max_queued_points,
                         std::chrono::milliseconds heartbeat_interval)
    : store_(store),
      feed_(feed),
      clients_(clients),
      max_queued_points_(max_queued_points),
      heartbeat_interval_(heartbeat_interval) {}

PointFanout::~PointFanout() { Stop(); }

void PointFanout::Start() {
  {
    MutexLock lock(&feed_mu_);
    if (started_) {
      return;
    }
    started_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void PointFanout::Stop() {
  {
    MutexLock lock(&feed_mu_);
    if (!started_) {
      return;
    }
    started_ = false;
    if (feed_token_ != 0) {
      feed_.Unsubscribe(feed_token_);
      feed_token_ = 0;
    }
  }
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  wake_.SignalAll();
  thread_.join();
}

void PointFanout::PointClientAdded() {
  MutexLock lock(&feed_mu_);
  if (!started_ || feed_token_ != 0) {
    return;
  }
  feed_token_ = feed_.Subscribe(
      [this](std::span<const engine::Point> points) { Enqueue(points); });
}

void PointFanout::ReleaseFeedIfIdle() {
  MutexLock lock(&feed_mu_);
  // A client added meanwhile counts before it calls PointClientAdded(),
  // which then subscribes again: no stream is left without points.
  if (feed_token_ != 0 && !clients_.HasPointClients()) {
    feed_.Unsubscribe(feed_token_);
    feed_token_ = 0;
  }
}

void PointFanout::Enqueue(std::span<const engine::Point> points) {
  {
    MutexLock lock(&mu_);
    if (queued_.size() + points.size() > max_queued_points_) {
      overflowed_ = true;
    } else {
      queued_.insert(queued_.end(), points.begin(), points.end());
    }
  }
  wake_.Signal();
}

void PointFanout::Run() {
  using Clock = std::chrono::steady_clock;
  auto next_heartbeat = Clock::now() + heartbeat_interval_;
  std::vector<engine::Point> batch;
  while (true) {
    bool overflowed = false;
    {
      MutexLock lock(&mu_);
      while (!stop_ && !overflowed_ && queued_.empty() &&
             wake_.WaitUntil(&mu_, next_heartbeat)) {
      }
      if (stop_) {
        return;
      }
      batch.clear();
      batch.swap(queued_);
      overflowed = std::exchange(overflowed_, false);
    }
    if (overflowed) {
      CN_LOG(kWarn, "stream") << "more than " << max_queued_points_
                              << " points waiting for the fan-out; closing "
                                 "the point streams";
      const std::string notice = NoticeEvent(
          "overloaded",
          "points arrived faster than the server could stream them; some "
          "were not sent, so this stream is closed");
      clients_.ForEach([&](StreamClient& client) {
        if (client.selector) {
          client.stream.CloseWith(notice);
        }
      });
    }
    if (!batch.empty()) {
      Deliver(batch);
    }
    if (Clock::now() >= next_heartbeat) {
      clients_.SendAll(CommentText("heartbeat"));
      next_heartbeat = Clock::now() + heartbeat_interval_;
    }
    ReleaseFeedIfIdle();
  }
}

const engine::SeriesKey* PointFanout::KeyOf(engine::SeriesId series,
                                            const std::string** prefix) {
  auto it = series_.find(series);
  if (it == series_.end()) {
    auto info = store_.GetSeries(series);
    if (!info) {
      return nullptr;  // removed meanwhile; nothing to show
    }
    if (series_.size() >= kMaxCachedSeries) {
      series_.clear();
    }
    SeriesText text{info->key, PointJsonPrefix(info->key)};
    it = series_.emplace(series, std::move(text)).first;
  }
  *prefix = &it->second.json_prefix;
  return &it->second.key;
}

void PointFanout::Deliver(const std::vector<engine::Point>& points) {
  std::string text;
  clients_.ForEach([&](StreamClient& client) {
    if (!client.selector) {
      return;
    }
    text.clear();
    size_t events = 0;
    for (const engine::Point& point : points) {
      auto cached = client.matches.find(point.series);
      bool match = false;
      const std::string* prefix = nullptr;
      if (cached != client.matches.end()) {
        match = cached->second;
        if (match && KeyOf(point.series, &prefix) == nullptr) {
          match = false;
        }
      } else {
        const engine::SeriesKey* key = KeyOf(point.series, &prefix);
        match = key != nullptr && client.selector->Matches(*key);
        if (key != nullptr) {
          if (client.matches.size() >= kMaxCachedSeries) {
            client.matches.clear();
          }
          client.matches.emplace(point.series, match);
        }
      }
      if (match) {
        text += PointEvent(*prefix, point, client.epoch_divisor_ns);
        ++events;
      }
    }
    clients_.Send(client, text, events);
  });
}

}  // namespace citynexus::query::stream
