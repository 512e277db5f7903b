#include "query/indicators/series_data.h"

#include <algorithm>
#include <numeric>
#include <optional>

#include "common/regex.h"

namespace citynexus::query::indicators {
namespace {

constexpr int64_t kSecondNs = 1000000000;

int64_t Median(std::vector<int64_t>& v) {
  if (v.empty()) {
    return 0;
  }
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid),
                   v.end());
  return v[mid];
}

}  // namespace

Result<std::vector<engine::SeriesInfo>> MatchSelector(engine::Store& store,
                                                      const Expr& selector,
                                                      size_t max_series) {
  // Prometheus selectors are anchored: FullMatch.
  std::vector<std::shared_ptr<const Regex>> regexes;
  for (const auto& m : selector.matchers) {
    if (m.op == MatchOp::kRegexMatch || m.op == MatchOp::kRegexNotMatch) {
      auto re = CompileRegex(m.value);
      if (!re) {
        return Status::InvalidArgument("label " + m.label + ": " +
                                       re.error().message());
      }
      regexes.push_back(std::move(*re));
    } else {
      regexes.emplace_back();
    }
  }
  engine::SeriesFilter filter;
  filter.measurement = selector.measurement;
  filter.field = selector.field;
  std::vector<engine::SeriesInfo> out;
  for (auto& s : store.FindSeries(filter)) {
    bool ok = true;
    for (size_t i = 0; i < selector.matchers.size() && ok; ++i) {
      const auto& m = selector.matchers[i];
      std::string value;
      for (const auto& [k, v] : s.key.tags) {
        if (k == m.label) {
          value = v;
        }
      }
      switch (m.op) {
        case MatchOp::kEqual:
          ok = value == m.value;
          break;
        case MatchOp::kNotEqual:
          ok = value != m.value;
          break;
        case MatchOp::kRegexMatch:
          ok = regexes[i]->FullMatch(value);
          break;
        case MatchOp::kRegexNotMatch:
          ok = !regexes[i]->FullMatch(value);
          break;
      }
    }
    if (!ok) {
      continue;
    }
    if (out.size() >= max_series) {
      return Status::ResourceExhausted(
          "selector " + selector.measurement + "." + selector.field +
          " matches more than " + std::to_string(max_series) + " series");
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::pair<size_t, size_t> BucketData::Range(int64_t a, int64_t b) const {
  auto lo = std::lower_bound(
      buckets.begin(), buckets.end(), a,
      [](const engine::Bucket& x, int64_t t) { return x.start_ns < t; });
  auto hi = std::lower_bound(
      lo, buckets.end(), b,
      [](const engine::Bucket& x, int64_t t) { return x.start_ns < t; });
  return {static_cast<size_t>(lo - buckets.begin()),
          static_cast<size_t>(hi - buckets.begin())};
}

std::pair<size_t, size_t> RawData::Range(int64_t a, int64_t b) const {
  auto lo = std::lower_bound(times.begin(), times.end(), a);
  auto hi = std::lower_bound(lo, times.end(), b);
  return {static_cast<size_t>(lo - times.begin()),
          static_cast<size_t>(hi - times.begin())};
}

int64_t CommonGrid(const std::vector<int64_t>& edges) {
  int64_t g = 0;
  for (int64_t e : edges) {
    g = std::gcd(g, e < 0 ? -e : e);
  }
  // Sub-second edges would make an absurd number of buckets; the engine
  // rejects nothing here, but rollups start at 1 h anyway.
  if (g < kSecondNs) {
    g = kSecondNs;
  }
  return g;
}

Result<BucketData> FetchBuckets(engine::Store& store, engine::SeriesId id,
                                int64_t start_ns, int64_t end_ns,
                                int64_t grid_ns, uint64_t* buckets_read) {
  engine::AggregateRequest req;
  req.series = id;
  req.start_ns = start_ns;
  req.end_ns = end_ns;
  req.step_ns = grid_ns;
  engine::AggregateStats stats;
  CITYNEXUS_ASSIGN_OR_RETURN(auto buckets, store.Aggregate(req, &stats));
  BucketData d;
  d.buckets = std::move(buckets);
  *buckets_read += d.buckets.size();
  d.prefix_sum.resize(d.buckets.size() + 1, 0);
  d.prefix_count.resize(d.buckets.size() + 1, 0);
  std::vector<int64_t> spacing;
  for (size_t i = 0; i < d.buckets.size(); ++i) {
    const auto& b = d.buckets[i];
    d.prefix_sum[i + 1] = d.prefix_sum[i] + b.sum;
    d.prefix_count[i + 1] = d.prefix_count[i] + b.count;
    // The spacing inside a bucket, or between neighbouring buckets when a
    // bucket holds one point: enough to estimate the series' interval
    // without reading raw points.
    if (b.count >= 2) {
      spacing.push_back((b.last_ns - b.first_ns) /
                        static_cast<int64_t>(b.count - 1));
    } else if (i > 0) {
      spacing.push_back(b.first_ns - d.buckets[i - 1].last_ns);
    }
  }
  d.interval_ns = Median(spacing);
  return d;
}

Result<RawData> FetchRaw(engine::Store& store, engine::SeriesId id,
                         int64_t start_ns, int64_t end_ns, uint64_t max_points,
                         uint64_t* points_read) {
  RawData d;
  CITYNEXUS_ASSIGN_OR_RETURN(auto info, store.GetSeries(id));
  d.is_string = info.type == engine::ValueType::kString;
  bool over = false;
  Status st = store.Scan(id, start_ns, end_ns, [&](const engine::Sample& s) {
    if (++*points_read > max_points) {
      over = true;
      return false;
    }
    d.times.push_back(s.timestamp_ns);
    switch (s.value.index()) {
      case 0:
        d.values.push_back(std::get<double>(s.value));
        break;
      case 1:
        d.values.push_back(static_cast<double>(std::get<int64_t>(s.value)));
        break;
      case 2:
        d.values.push_back(std::get<bool>(s.value) ? 1 : 0);
        break;
      default:
        d.texts.push_back(std::get<std::string>(s.value));
        break;
    }
    return true;
  });
  if (!st.ok()) {
    return st;
  }
  if (over) {
    return Status::ResourceExhausted("more than " + std::to_string(max_points) +
                                     " raw points (max_raw_points)");
  }
  std::vector<int64_t> spacing;
  for (size_t i = 1; i < d.times.size(); ++i) {
    spacing.push_back(d.times[i] - d.times[i - 1]);
  }
  d.interval_ns = Median(spacing);
  return d;
}

double Coverage(uint64_t count, int64_t interval_ns, int64_t window_ns) {
  if (count == 0) {
    return 0;
  }
  if (interval_ns <= 0 || window_ns <= 0) {
    return 1;
  }
  const double c = static_cast<double>(count) *
                   static_cast<double>(interval_ns) /
                   static_cast<double>(window_ns);
  return c > 1 ? 1 : c;
}

}  // namespace citynexus::query::indicators
