#include "query/promql/evaluator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

#include "query/indicators/series_data.h"
#include "query/promql/functions.h"
#include "query/promql/operators.h"
#include "query/time_parse.h"

namespace citynexus::query::promql {
namespace {

constexpr int64_t kNsPerMs = 1000000;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct LoadedSeries {
  Labels labels;
  int64_t lookback_ms = 0;
  std::vector<int64_t> t_ms;
  std::vector<double> values;
};

struct TimeSpan {
  int64_t lo = std::numeric_limits<int64_t>::max();
  int64_t hi = std::numeric_limits<int64_t>::min();
  void Add(int64_t a, int64_t b) {
    lo = std::min(lo, a);
    hi = std::max(hi, b);
  }
};

class Evaluator {
 public:
  Evaluator(engine::Store& store, const SeriesView& view, int64_t start_ms,
            int64_t end_ms, const EvalLimits& limits)
      : store_(store),
        view_(view),
        start_ms_(start_ms),
        end_ms_(end_ms),
        limits_(limits) {}

  Status Load(const Node& root) {
    Plan(root, start_ms_, end_ms_);
    size_t selected = 0;
    for (auto& [node, span] : spans_) {
      auto matched = view_.Select(node->matchers);
      if (!matched) return matched.error();
      selected += matched->size();
      if (selected > limits_.max_series) {
        return Status::ResourceExhausted(
            "the query selects more than query.max_series (" +
            std::to_string(limits_.max_series) + ") series");
      }
      std::vector<LoadedSeries>& out = data_[node];
      for (const NamedSeries* s : *matched) {
        CITYNEXUS_RETURN_IF_ERROR(CheckGuard());
        if (s->indicator != nullptr) {
          CITYNEXUS_RETURN_IF_ERROR(
              LoadIndicator(*node, *s->indicator, span, out));
          continue;
        }
        LoadedSeries loaded;
        loaded.labels = s->labels;
        loaded.lookback_ms = limits_.lookback_ms;
        // The indicator engine's raw reader: numbers as doubles (integers
        // converted, bools 0/1), the point limit counted across series.
        auto raw = indicators::FetchRaw(store_, s->id, SaturatingNs(span.lo),
                                        SaturatingNs(span.hi) + kNsPerMs,
                                        limits_.max_points, &points_read_);
        if (!raw) {
          if (raw.error().code() == StatusCode::kResourceExhausted) {
            return Status::ResourceExhausted(
                "the query reads more than query.max_points (" +
                std::to_string(limits_.max_points) + ") points");
          }
          return raw.error();
        }
        if (raw->is_string) continue;
        loaded.t_ms.reserve(raw->times.size());
        for (int64_t t_ns : raw->times) {
          loaded.t_ms.push_back(FloorDiv(t_ns, kNsPerMs));
        }
        loaded.values = std::move(raw->values);
        out.push_back(std::move(loaded));
      }
    }
    return Status::Ok();
  }

  Status CheckGuard() const {
    return limits_.guard ? limits_.guard->Check() : Status::Ok();
  }

  Result<Value> Eval(const Node& n, int64_t t) {
    switch (n.kind) {
      case NodeKind::kNumber:
        return Value::Scalar(n.number);
      case NodeKind::kString: {
        Value v;
        v.kind = ValueKind::kString;
        v.text = n.text;
        return v;
      }
      case NodeKind::kParen:
        return Eval(*n.args[0], t);
      case NodeKind::kVectorSelector:
        return SelectInstant(n, t);
      case NodeKind::kMatrixSelector: {
        const Node& vs = *n.args[0];
        const int64_t ref = At(vs, t) - vs.offset_ms;
        return SelectRange(vs, ref - n.range_ms, ref);
      }
      case NodeKind::kSubquery: {
        const int64_t ref = At(n, t) - n.offset_ms;
        return Subquery(n, ref - n.range_ms, ref);
      }
      case NodeKind::kUnary: {
        auto v = Eval(*n.args[0], t);
        if (!v) return v;
        if (v->kind == ValueKind::kScalar) {
          v->scalar = -v->scalar;
        } else {
          for (Sample& s : v->vector) {
            s.value = -s.value;
            DeleteLabel(s.labels, kMetricName);
          }
        }
        return v;
      }
      case NodeKind::kBinary: {
        auto l = Eval(*n.args[0], t);
        if (!l) return l;
        auto r = Eval(*n.args[1], t);
        if (!r) return r;
        return ApplyBinary(n, *l, *r);
      }
      case NodeKind::kAggregate: {
        std::optional<Value> param;
        if (n.args.size() == 2) {
          auto p = Eval(*n.args[0], t);
          if (!p) return p;
          param = std::move(*p);
        }
        auto v = Eval(*n.args.back(), t);
        if (!v) return v;
        return ApplyAggregate(n, param ? &*param : nullptr,
                              std::move(v->vector));
      }
      case NodeKind::kCall:
        return Call(n, t);
    }
    return Status::NotSupported("unknown expression node");
  }

 private:
  // Evaluates one indicator over the selector's span (one step earlier, so
  // the step ending at the span's start is there) and keeps the output
  // series that satisfy the selector's other matchers.
  Status LoadIndicator(const Node& selector, const IndicatorDefinition& def,
                       const TimeSpan& span, std::vector<LoadedSeries>& out) {
    if (limits_.indicators == nullptr) return Status::Ok();
    const std::string step =
        limits_.indicator_step.empty() ? def.step : limits_.indicator_step;
    auto nominal_ns = ParseDurationNs(step);
    const int64_t step_ns =
        nominal_ns ? *nominal_ns : int64_t{31} * 86400 * 1000000000;
    EvaluationRequest request;
    request.start_ns = SaturatingNs(span.lo) - step_ns;
    request.end_ns = SaturatingNs(span.hi) + kNsPerMs;
    request.step = step;
    request.guard = limits_.guard;
    auto result = limits_.indicators->Evaluate(def.id, request);
    if (!result) return result.error().WithContext("indicator:" + def.id);
    auto matchers = MatcherSet::Compile(selector.matchers);
    if (!matchers) return matchers.error();
    for (const IndicatorSeries& series : result->series) {
      LoadedSeries loaded;
      loaded.labels.emplace_back(std::string(kMetricName),
                                 std::string(kIndicatorPrefix) + def.id);
      for (const auto& [k, v] : series.labels) {
        const std::string name = SanitizeLabelName(k);
        if (name != kMetricName) SetLabel(loaded.labels, name, v);
      }
      if (!matchers->Matches(loaded.labels)) continue;
      loaded.lookback_ms = std::max(limits_.lookback_ms, step_ns / kNsPerMs);
      for (const IndicatorPoint& p : series.points) {
        if (!p.value) continue;
        // The step's end: the next step's start, or one nominal step.
        auto next = std::upper_bound(result->steps.begin(), result->steps.end(),
                                     p.t_ns);
        const int64_t end_ns =
            next != result->steps.end() ? *next : p.t_ns + step_ns;
        loaded.t_ms.push_back(FloorDiv(end_ns, kNsPerMs));
        loaded.values.push_back(*p.value);
      }
      if (++indicator_series_ > limits_.max_series) {
        return Status::ResourceExhausted(
            "the query selects more than query.max_series (" +
            std::to_string(limits_.max_series) + ") series");
      }
      out.push_back(std::move(loaded));
    }
    return Status::Ok();
  }

  static int64_t SaturatingNs(int64_t ms) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / kNsPerMs - 1;
    return std::clamp(ms, -kMax, kMax) * kNsPerMs;
  }

  int64_t At(const Node& n, int64_t t) const {
    switch (n.at) {
      case AtKind::kNone:
        return t;
      case AtKind::kTime:
        return n.at_ms;
      case AtKind::kStart:
        return start_ms_;
      case AtKind::kEnd:
        return end_ms_;
    }
    return t;
  }

  // Records the time span each selector reads for evaluation times
  // [lo, hi] of `n`.
  void Plan(const Node& n, int64_t lo, int64_t hi) {
    auto at_span = [&](const Node& m, int64_t& a, int64_t& b) {
      if (m.at != AtKind::kNone) a = b = At(m, lo);
      a -= m.offset_ms;
      b -= m.offset_ms;
    };
    switch (n.kind) {
      case NodeKind::kVectorSelector: {
        int64_t a = lo, b = hi;
        at_span(n, a, b);
        spans_[&n].Add(a - limits_.lookback_ms, b);
        return;
      }
      case NodeKind::kMatrixSelector: {
        const Node& vs = *n.args[0];
        int64_t a = lo, b = hi;
        at_span(vs, a, b);
        spans_[&vs].Add(a - n.range_ms, b);
        return;
      }
      case NodeKind::kSubquery: {
        int64_t a = lo, b = hi;
        at_span(n, a, b);
        Plan(*n.args[0], a - n.range_ms, b);
        return;
      }
      default:
        for (const auto& arg : n.args) Plan(*arg, lo, hi);
    }
  }

  Result<Value> SelectInstant(const Node& n, int64_t t) {
    const int64_t ref = At(n, t) - n.offset_ms;
    Value out;
    out.kind = ValueKind::kVector;
    for (const LoadedSeries& s : data_[&n]) {
      auto it = std::upper_bound(s.t_ms.begin(), s.t_ms.end(), ref);
      if (it == s.t_ms.begin()) continue;
      const size_t i = static_cast<size_t>(it - s.t_ms.begin()) - 1;
      if (s.t_ms[i] < ref - s.lookback_ms) continue;
      out.vector.push_back(Sample{s.labels, s.values[i], s.t_ms[i]});
    }
    return out;
  }

  Result<Value> SelectRange(const Node& vs, int64_t a, int64_t b) {
    Value out;
    out.kind = ValueKind::kMatrix;
    for (const LoadedSeries& s : data_[&vs]) {
      auto first = std::lower_bound(s.t_ms.begin(), s.t_ms.end(), a);
      auto last = std::upper_bound(s.t_ms.begin(), s.t_ms.end(), b);
      if (first >= last) continue;
      SeriesPoints p;
      p.labels = s.labels;
      const auto i = first - s.t_ms.begin();
      const auto j = last - s.t_ms.begin();
      p.t_ms.assign(first, last);
      p.values.assign(s.values.begin() + i, s.values.begin() + j);
      out.matrix.push_back(std::move(p));
    }
    return out;
  }

  Result<Value> Subquery(const Node& n, int64_t a, int64_t b) {
    const int64_t step =
        n.step_ms > 0 ? n.step_ms : limits_.default_subquery_step_ms;
    int64_t first = FloorDiv(a, step) * step;
    if (first < a) first += step;
    if ((b - first) / step > 11000) {
      return Status::ResourceExhausted(
          "subquery would evaluate more than 11000 steps");
    }
    std::map<std::string, size_t> index;
    Value out;
    out.kind = ValueKind::kMatrix;
    for (int64_t t = first; t <= b; t += step) {
      CITYNEXUS_RETURN_IF_ERROR(CheckGuard());
      auto v = Eval(*n.args[0], t);
      if (!v) return v;
      for (Sample& s : v->vector) {
        auto [it, added] =
            index.emplace(LabelsKey(s.labels), out.matrix.size());
        if (added)
          out.matrix.push_back(SeriesPoints{std::move(s.labels), {}, {}});
        SeriesPoints& p = out.matrix[it->second];
        p.t_ms.push_back(t);
        p.values.push_back(s.value);
      }
    }
    return out;
  }

  Result<Value> Call(const Node& n, int64_t t) {
    CallInput in{n, {}, t, 0, 0, 0};
    for (const auto& arg : n.args) {
      const Node* a = arg.get();
      while (a->kind == NodeKind::kParen) a = a->args[0].get();
      if (a->kind == NodeKind::kMatrixSelector ||
          a->kind == NodeKind::kSubquery) {
        const Node& timed =
            a->kind == NodeKind::kMatrixSelector ? *a->args[0] : *a;
        in.window_end_ms = At(timed, t) - timed.offset_ms;
        in.window_start_ms = in.window_end_ms - a->range_ms;
        in.range_ms = a->range_ms;
      }
      auto v = Eval(*arg, t);
      if (!v) return v;
      in.args.push_back(std::move(*v));
    }
    return CallFunction(in);
  }

  engine::Store& store_;
  const SeriesView& view_;
  const int64_t start_ms_;
  const int64_t end_ms_;
  const EvalLimits& limits_;
  uint64_t points_read_ = 0;
  size_t indicator_series_ = 0;
  std::map<const Node*, TimeSpan> spans_;
  std::unordered_map<const Node*, std::vector<LoadedSeries>> data_;
};

}  // namespace

Result<Value> EvaluateInstant(const Node& root, engine::Store& store,
                              const SeriesView& view, int64_t t_ms,
                              const EvalLimits& limits) {
  Evaluator ev(store, view, t_ms, t_ms, limits);
  CITYNEXUS_RETURN_IF_ERROR(ev.Load(root));
  auto v = ev.Eval(root, t_ms);
  if (v && v->kind == ValueKind::kVector &&
      v->vector.size() > limits.max_values) {
    return Status::ResourceExhausted(
        "the result has more than query.max_buckets (" +
        std::to_string(limits.max_values) + ") values");
  }
  return v;
}

Result<Value> EvaluateRange(const Node& root, engine::Store& store,
                            const SeriesView& view, int64_t start_ms,
                            int64_t end_ms, int64_t step_ms,
                            const EvalLimits& limits) {
  if (root.type != ValueKind::kScalar && root.type != ValueKind::kVector) {
    return Status::InvalidArgument(
        std::string("invalid expression type \"") + ValueKindName(root.type) +
        "\" for range query, must be Scalar or instant Vector");
  }
  Evaluator ev(store, view, start_ms, end_ms, limits);
  CITYNEXUS_RETURN_IF_ERROR(ev.Load(root));
  std::map<std::string, size_t> index;
  Value out;
  out.kind = ValueKind::kMatrix;
  size_t values = 0;
  for (int64_t t = start_ms; t <= end_ms; t += step_ms) {
    CITYNEXUS_RETURN_IF_ERROR(ev.CheckGuard());
    auto v = ev.Eval(root, t);
    if (!v) return v.error();
    if (v->kind == ValueKind::kScalar) {
      v->vector.push_back(Sample{{}, v->scalar, t});
    }
    std::map<std::string, bool> seen;
    for (Sample& s : v->vector) {
      const std::string key = LabelsKey(s.labels);
      if (!seen.emplace(key, true).second) {
        return Status::InvalidArgument(
            "vector cannot contain metrics with the same labelset");
      }
      auto [it, added] = index.emplace(key, out.matrix.size());
      if (added)
        out.matrix.push_back(SeriesPoints{std::move(s.labels), {}, {}});
      SeriesPoints& p = out.matrix[it->second];
      p.t_ms.push_back(t);
      p.values.push_back(s.value);
      if (++values > limits.max_values) {
        return Status::ResourceExhausted(
            "the result has more than query.max_buckets (" +
            std::to_string(limits.max_values) + ") values");
      }
    }
  }
  std::sort(out.matrix.begin(), out.matrix.end(),
            [](const SeriesPoints& a, const SeriesPoints& b) {
              return a.labels < b.labels;
            });
  return out;
}

}  // namespace citynexus::query::promql
