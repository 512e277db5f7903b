// Shared fixture of the indicator tests: a real store in a temp dir, helpers
// to create series and write points, and one-call evaluation.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "query/indicators.h"
#include "support/temp_dir.h"

namespace citynexus::testing {

constexpr int64_t kSec = 1000000000;
constexpr int64_t kMinute = 60 * kSec;
constexpr int64_t kHourNs = 60 * kMinute;
constexpr int64_t kDay = 24 * kHourNs;
// Monday 2024-03-04T00:00:00Z.
constexpr int64_t kT0 = 1709510400LL * kSec;

class IndicatorFixture {
 public:
  IndicatorFixture();
  ~IndicatorFixture();

  engine::SeriesId Series(const std::string& measurement,
                          std::vector<std::pair<std::string, std::string>> tags,
                          const std::string& field,
                          engine::ValueType type = engine::ValueType::kFloat);
  void Write(engine::SeriesId id, int64_t t_ns, engine::Value v);
  // Points every `interval_ns` from `start_ns` (count of them), all `value`.
  void WriteRegular(engine::SeriesId id, int64_t start_ns, int64_t interval_ns,
                    int count, double value);

  query::Facts facts;

  // Evaluates `expr` over [start, end) at `step` (tz optional).
  query::EvaluationResult Eval(const std::string& expr, int64_t start_ns,
                               int64_t end_ns, const std::string& step,
                               const std::string& tz = "");
  // The same, returning the error.
  Status EvalError(const std::string& expr, int64_t start_ns, int64_t end_ns,
                   const std::string& step);
  // Evaluates indicator `id` of the shipped catalog (config/indicators/).
  query::EvaluationResult EvalIndicator(const std::string& id, int64_t start_ns,
                                        int64_t end_ns,
                                        const std::string& step = "");

  engine::Store& store() { return *store_; }

 private:
  TempDir dir_;
  std::unique_ptr<engine::Store> store_;
};

// The point at `t_ns` of the series with `labels` (exact), or fails the test.
const query::IndicatorPoint& PointAt(
    const query::EvaluationResult& r, int64_t t_ns,
    const std::map<std::string, std::string>& labels = {});

}  // namespace citynexus::testing
