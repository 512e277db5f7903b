// A bucket function over many series reads them on the query worker pool
// (EvalContext::workers): the answer must not depend on the parallelism.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "indicator_fixture_util.h"
#include "query/query_guard.h"

using namespace citynexus;
using namespace citynexus::testing;

namespace {

query::EvaluationResult EvaluateWith(IndicatorFixture& f, size_t parallelism,
                                     const std::string& expr) {
  query::EvaluationLimits limits;
  limits.parallelism = parallelism;
  const query::IndicatorService service(f.store(), query::IndicatorCatalog{},
                                        f.facts, limits);
  query::EvaluationRequest request;
  request.start_ns = kT0;
  request.end_ns = kT0 + 3 * kDay;
  request.step = "1h";
  auto result = service.EvaluateExpression(expr, request);
  REQUIRE(result);
  return std::move(*result);
}

}  // namespace

TEST_CASE(
    "indicators: a selector's series read in parallel give the same "
    "answer",
    "[query][indicators]") {
  IndicatorFixture f;
  // 300 series (above the parallel threshold) in 7 zones, with gaps and
  // values that make float sums order-sensitive.
  for (int i = 0; i < 300; ++i) {
    const auto id = f.Series("water",
                             {{"zone", "z" + std::to_string(i % 7)},
                              {"meter", "m" + std::to_string(i)}},
                             "flow");
    for (int k = 0; k < 72; ++k) {
      if ((i + k) % 11 == 0) continue;
      f.Write(id, kT0 + k * kHourNs + (i % 5) * kMinute,
              0.1 * i + 1e-3 * k + 1e7 * (k % 3));
    }
  }
  for (const std::string expr :
       {"sum by (zone) (sum_over_time(water.flow[1h]))",
        "avg_over_time(water.flow[3h])",
        "max by (zone) (max_over_time(water.flow[1h])) - "
        "min by (zone) (min_over_time(water.flow[1h]))",
        "count(count_over_time(water.flow[1h]))"}) {
    INFO(expr);
    const auto one = EvaluateWith(f, 1, expr);
    REQUIRE_FALSE(one.series.empty());
    for (size_t parallelism : {2, 4}) {
      const auto many = EvaluateWith(f, parallelism, expr);
      CHECK(many.buckets_read == one.buckets_read);
      REQUIRE(many.series.size() == one.series.size());
      for (size_t s = 0; s < one.series.size(); ++s) {
        CHECK(many.series[s].labels == one.series[s].labels);
        REQUIRE(many.series[s].points.size() == one.series[s].points.size());
        for (size_t p = 0; p < one.series[s].points.size(); ++p) {
          const auto& a = one.series[s].points[p];
          const auto& b = many.series[s].points[p];
          CHECK(a.t_ns == b.t_ns);
          CHECK(a.value == b.value);  // bit-identical, not approximately
          CHECK(a.coverage == b.coverage);
        }
      }
    }
  }
}

TEST_CASE("indicators: a parallel read stops at the guard",
          "[query][indicators]") {
  IndicatorFixture f;
  for (int i = 0; i < 200; ++i) {
    f.WriteRegular(
        f.Series("water", {{"meter", "m" + std::to_string(i)}}, "flow"), kT0,
        kHourNs, 24, 1);
  }
  query::EvaluationLimits limits;
  limits.parallelism = 4;
  const query::IndicatorService service(f.store(), query::IndicatorCatalog{},
                                        f.facts, limits);
  // A guard whose deadline has passed: the evaluation must fail with it.
  const query::QueryGuard guard(std::chrono::milliseconds(1), nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  query::EvaluationRequest request;
  request.start_ns = kT0;
  request.end_ns = kT0 + kDay;
  request.step = "1h";
  request.guard = &guard;
  auto result =
      service.EvaluateExpression("sum(sum_over_time(water.flow[1h]))", request);
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == StatusCode::kDeadlineExceeded);
}
