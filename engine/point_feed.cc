// PointFeed and PublishingStore (engine/engine.h): the hook through which
// live streams see points once they are durable.
#include <algorithm>
#include <utility>

#include "engine/engine.h"

namespace citynexus::engine {

uint64_t PointFeed::Subscribe(Listener listener) {
  WriterMutexLock lock(&mu_);
  const uint64_t token = next_token_++;
  listeners_.emplace_back(token, std::move(listener));
  listeners_count_.store(listeners_.size(), std::memory_order_relaxed);
  return token;
}

void PointFeed::Unsubscribe(uint64_t token) {
  // The exclusive lock waits for running Publish() calls (shared holders).
  WriterMutexLock lock(&mu_);
  std::erase_if(listeners_,
                [token](const auto& entry) { return entry.first == token; });
  listeners_count_.store(listeners_.size(), std::memory_order_relaxed);
}

void PointFeed::Publish(std::span<const Point> points) const {
  if (!active() || points.empty()) {
    return;
  }
  ReaderMutexLock lock(&mu_);
  for (const auto& [token, listener] : listeners_) {
    listener(points);
  }
}

namespace {

// Forwards to the wrapped store; Append also publishes what it wrote.
class PublishingStoreImpl final : public Store {
 public:
  PublishingStoreImpl(std::unique_ptr<Store> inner, PointFeed& feed)
      : inner_(std::move(inner)), feed_(feed) {}

  Result<SeriesInfo> GetOrCreateSeries(const SeriesKey& key,
                                       ValueType type) override {
    return inner_->GetOrCreateSeries(key, type);
  }
  Result<SeriesInfo> LookupSeries(std::string_view canonical) override {
    return inner_->LookupSeries(canonical);
  }
  Result<SeriesInfo> GetSeries(SeriesId id) override {
    return inner_->GetSeries(id);
  }
  std::vector<SeriesInfo> FindSeries(const SeriesFilter& filter) override {
    return inner_->FindSeries(filter);
  }
  std::vector<std::string> MeasurementNames() override {
    return inner_->MeasurementNames();
  }
  Result<SeriesSummary> SummarizeSeries(
      const SeriesFilter& filter,
      const std::function<bool(std::string_view key)>& values_of) override {
    return inner_->SummarizeSeries(filter, values_of);
  }
  Status SetSeriesMeta(SeriesId id, const SeriesMeta& meta) override {
    return inner_->SetSeriesMeta(id, meta);
  }

  Result<AppendResult> Append(std::span<const Point> points) override {
    auto result = inner_->Append(points);
    if (!result || !feed_.active() || result->written == 0) {
      return result;
    }
    if (result->rejected.empty()) {
      feed_.Publish(points);
      return result;
    }
    // Leave the rejected points out (rejected indices are ascending).
    std::vector<Point> written;
    written.reserve(result->written);
    size_t next_rejected = 0;
    for (size_t i = 0; i < points.size(); ++i) {
      if (next_rejected < result->rejected.size() &&
          result->rejected[next_rejected].index == i) {
        ++next_rejected;
        continue;
      }
      written.push_back(points[i]);
    }
    feed_.Publish(written);
    return result;
  }

  Status Scan(SeriesId series, int64_t start_ns, int64_t end_ns,
              const std::function<bool(const Sample&)>& visit) override {
    return inner_->Scan(series, start_ns, end_ns, visit);
  }
  Result<std::optional<Sample>> Last(SeriesId series, int64_t start_ns,
                                     int64_t end_ns) override {
    return inner_->Last(series, start_ns, end_ns);
  }
  Result<std::vector<Bucket>> Aggregate(const AggregateRequest& request,
                                        AggregateStats* stats) override {
    return inner_->Aggregate(request, stats);
  }
  std::unique_ptr<SeriesReader> NewSeriesReader() override {
    return inner_->NewSeriesReader();
  }
  Status Flush() override { return inner_->Flush(); }
  Status Compact() override { return inner_->Compact(); }
  Result<StoreStats> Stats() override { return inner_->Stats(); }
  Status Verify(const VerifyCallbacks& callbacks) override {
    return inner_->Verify(callbacks);
  }
  Status Backup(const std::string& dir) override { return inner_->Backup(dir); }
  Status Close() override { return inner_->Close(); }
  Status Health() override { return inner_->Health(); }
  uint64_t SeriesRefused() override { return inner_->SeriesRefused(); }
  std::optional<uint64_t> CatalogVersion() override {
    return inner_->CatalogVersion();
  }

 private:
  std::unique_ptr<Store> inner_;
  PointFeed& feed_;
};

}  // namespace

std::unique_ptr<Store> PublishingStore(std::unique_ptr<Store> store,
                                       PointFeed& feed) {
  return std::make_unique<PublishingStoreImpl>(std::move(store), feed);
}

}  // namespace citynexus::engine
