// Store::NewSeriesReader's default (forwards to Store::Aggregate) and
// RocksStore's reader, which keeps one iterator over the rollups CF between
// series instead of opening and seeking a new one per series: consecutive
// series' records share table blocks, which are then decoded (zstd) once
// instead of once per series.
#include <rocksdb/db.h>

#include "engine/rocks_store.h"

namespace citynexus::engine {

namespace {

class ForwardingReader final : public SeriesReader {
 public:
  explicit ForwardingReader(Store& store) : store_(store) {}
  Result<std::vector<Bucket>> Aggregate(const AggregateRequest& request,
                                        AggregateStats* stats) override {
    return store_.Aggregate(request, stats);
  }

 private:
  Store& store_;
};

}  // namespace

std::unique_ptr<SeriesReader> Store::NewSeriesReader() {
  return std::make_unique<ForwardingReader>(*this);
}

class RocksStore::Reader final : public SeriesReader {
 public:
  explicit Reader(RocksStore& store) : store_(store) {}
  Result<std::vector<Bucket>> Aggregate(const AggregateRequest& request,
                                        AggregateStats* stats) override {
    return store_.Aggregate(request, stats, &cursor_);
  }

 private:
  RocksStore& store_;
  RollupCursor cursor_;
};

std::unique_ptr<SeriesReader> RocksStore::NewSeriesReader() {
  return std::make_unique<Reader>(*this);
}

rocksdb::Iterator* RocksStore::RollupIterator(RollupCursor* cursor) {
  // A seal or retention pass changes the rollups only inside an odd seal
  // epoch: an iterator made at the current (even) epoch sees what a new one
  // would, so callers that check the epoch around their reads stay exact.
  const uint64_t epoch = seal_epoch_.load();
  if (cursor->it == nullptr || cursor->epoch != epoch || epoch % 2 != 0) {
    cursor->it.reset(db_->NewIterator(rocksdb::ReadOptions(), rollups_cf()));
    cursor->epoch = epoch;
  }
  return cursor->it.get();
}

}  // namespace citynexus::engine
