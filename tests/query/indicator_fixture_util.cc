#include "indicator_fixture_util.h"

#include <catch2/catch.hpp>

namespace citynexus::testing {

IndicatorFixture::IndicatorFixture() {
  engine::StoreOptions options;
  options.data_dir = dir_.str();
  auto opened = engine::OpenStore(options);
  REQUIRE(opened.has_value());
  store_ = std::move(*opened);
}

IndicatorFixture::~IndicatorFixture() { (void)store_->Close(); }

engine::SeriesId IndicatorFixture::Series(
    const std::string& measurement,
    std::vector<std::pair<std::string, std::string>> tags,
    const std::string& field, engine::ValueType type) {
  engine::SeriesKey key{measurement, std::move(tags), field};
  key.SortTags();
  auto info = store_->GetOrCreateSeries(key, type);
  REQUIRE(info.has_value());
  return info->id;
}

void IndicatorFixture::Write(engine::SeriesId id, int64_t t_ns,
                             engine::Value v) {
  std::vector<engine::Point> pts{engine::Point{id, t_ns, std::move(v)}};
  auto r = store_->Append(pts);
  REQUIRE(r.has_value());
  REQUIRE(r->rejected.empty());
}

void IndicatorFixture::WriteRegular(engine::SeriesId id, int64_t start_ns,
                                    int64_t interval_ns, int count,
                                    double value) {
  std::vector<engine::Point> pts;
  pts.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    pts.push_back(engine::Point{id, start_ns + i * interval_ns, value});
  }
  auto r = store_->Append(pts);
  REQUIRE(r.has_value());
  REQUIRE(r->rejected.empty());
}

query::EvaluationResult IndicatorFixture::Eval(const std::string& expr,
                                               int64_t start_ns, int64_t end_ns,
                                               const std::string& step,
                                               const std::string& tz) {
  query::IndicatorService service(*store_, query::IndicatorCatalog(), facts);
  query::EvaluationRequest req{start_ns, end_ns, step, tz};
  auto r = service.EvaluateExpression(expr, req);
  if (!r) {
    FAIL(r.error().ToString());
  }
  return std::move(*r);
}

Status IndicatorFixture::EvalError(const std::string& expr, int64_t start_ns,
                                   int64_t end_ns, const std::string& step) {
  query::IndicatorService service(*store_, query::IndicatorCatalog(), facts);
  query::EvaluationRequest req{start_ns, end_ns, step, ""};
  auto r = service.EvaluateExpression(expr, req);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

query::EvaluationResult IndicatorFixture::EvalIndicator(
    const std::string& id, int64_t start_ns, int64_t end_ns,
    const std::string& step) {
  std::vector<std::string> warnings;
  auto catalog = query::LoadIndicatorCatalog(
      {std::string(CITYNEXUS_SOURCE_DIR) + "/config/indicators"}, facts,
      &warnings);
  if (!catalog) {
    FAIL(catalog.error().ToString());
  }
  query::IndicatorService service(*store_, std::move(*catalog), facts);
  query::EvaluationRequest req{start_ns, end_ns, step, ""};
  auto r = service.Evaluate(id, req);
  if (!r) {
    FAIL(r.error().ToString());
  }
  return std::move(*r);
}

const query::IndicatorPoint& PointAt(
    const query::EvaluationResult& r, int64_t t_ns,
    const std::map<std::string, std::string>& labels) {
  for (const auto& s : r.series) {
    if (s.labels != labels) {
      continue;
    }
    for (const auto& p : s.points) {
      if (p.t_ns == t_ns) {
        return p;
      }
    }
  }
  FAIL("no point at t=" << t_ns << " for the given labels (" << r.series.size()
                        << " series)");
  static query::IndicatorPoint none;
  return none;
}

}  // namespace citynexus::testing
