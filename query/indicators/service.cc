// IndicatorService: evaluation of catalog indicators and ad-hoc expressions.
#include <chrono>
#include <cmath>

#include "query/indicators.h"
#include "query/indicators/evaluator.h"
#include "query/indicators/expr_lexer.h"
#include "query/indicators/expr_parser.h"
#include "query/indicators/step_grid.h"
#include "query/query_workers.h"

namespace citynexus::query {

std::string_view QualityName(Quality q) {
  switch (q) {
    case Quality::kOk:
      return "ok";
    case Quality::kPartial:
      return "partial";
    case Quality::kInsufficientData:
      return "insufficient_data";
  }
  return "insufficient_data";
}

IndicatorService::IndicatorService(engine::Store& store,
                                   IndicatorCatalog catalog, Facts facts,
                                   EvaluationLimits limits)
    : store_(store),
      catalog_(std::move(catalog)),
      facts_(std::move(facts)),
      limits_(limits) {
  const size_t threads = QueryWorkers::Resolve(limits_.parallelism);
  if (threads > 1) workers_ = std::make_shared<QueryWorkers>(threads - 1);
}

Result<EvaluationResult> IndicatorService::Evaluate(
    std::string_view id, const EvaluationRequest& request) const {
  const IndicatorDefinition* def = catalog_.Find(id);
  if (!def) {
    return Status::NotFound("no indicator \"" + std::string(id) + "\"");
  }
  auto r = Run(*def->parsed, def->step, def->min_coverage, request);
  if (!r) {
    return r.error().WithContext("indicator " + def->id);
  }
  return r;
}

Result<EvaluationResult> IndicatorService::EvaluateExpression(
    std::string_view expr, const EvaluationRequest& request,
    ExprErrorPosition* error_position) const {
  size_t offset = 0;
  auto set_pos = [&](size_t pos) {
    if (!error_position) {
      return;
    }
    error_position->offset = pos;
    const auto [line, col] = indicators::LineColumn(expr, pos);
    error_position->line = line;
    error_position->column = col;
  };
  auto parsed = indicators::ParseExpr(expr, &offset);
  if (!parsed) {
    set_pos(offset);
    return parsed.error();
  }
  std::vector<std::pair<std::string, size_t>> used;
  indicators::CollectFacts(**parsed, &used);
  for (const auto& [name, pos] : used) {
    if (!facts_.Has(name)) {
      set_pos(pos);
      return Status::InvalidArgument(indicators::FormatExprError(
          expr, pos, "unknown fact \"" + name + "\""));
    }
  }
  return Run(**parsed, "1d", 0.8, request);
}

Result<EvaluationResult> IndicatorService::Run(
    const indicators::Expr& expr, const std::string& default_step,
    double min_coverage, const EvaluationRequest& request) const {
  const auto began = std::chrono::steady_clock::now();
  const std::string step = request.step.empty() ? default_step : request.step;
  CITYNEXUS_ASSIGN_OR_RETURN(
      auto grid,
      indicators::MakeStepGrid(request.start_ns, request.end_ns, step,
                               request.time_zone, limits_.max_steps));
  indicators::EvalContext ctx{store_, facts_,        grid, limits_, 0,
                              0,      request.guard, {},   {}};
  ctx.workers = workers_.get();
  indicators::CountRepeatedRangeCalls(expr, ctx);
  auto value = indicators::Evaluate(expr, ctx);
  if (!value) {
    return value.error();
  }
  EvaluationResult out;
  out.steps = grid.starts;
  out.step_count = static_cast<int64_t>(grid.size());
  for (const auto& row : value->rows) {
    IndicatorSeries s;
    for (const auto& [k, v] : row.labels) {
      s.labels[k] = v;
    }
    for (size_t k = 0; k < row.cells.size(); ++k) {
      const auto& c = row.cells[k];
      if (c.state == indicators::CellState::kNone) {
        continue;
      }
      IndicatorPoint p;
      p.t_ns = grid.starts[k];
      p.coverage = c.coverage;
      if (c.state == indicators::CellState::kValue && std::isfinite(c.value)) {
        p.value = c.value;
        // A small tolerance: coverage is a ratio of integers and doubles.
        p.quality = c.coverage + 1e-9 >= min_coverage ? Quality::kOk
                                                      : Quality::kPartial;
      } else {
        p.quality = Quality::kInsufficientData;
      }
      s.points.push_back(p);
    }
    if (!s.points.empty()) {
      out.series.push_back(std::move(s));
    }
  }
  out.points_read = ctx.points_read;
  out.buckets_read = ctx.buckets_read;
  out.elapsed_ms = std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - began)
                       .count();
  return out;
}

}  // namespace citynexus::query
