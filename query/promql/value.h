// Values of PromQL evaluation at one time: scalar, string, instant vector
// (one sample per series) and range vector (points per series).
//
// Thread-safety: plain value types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/promql/ast.h"

namespace citynexus::query::promql {

// Label name -> value, sorted by name; "__name__" is the metric name.
using Labels = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kMetricName = "__name__";

struct Sample {
  Labels labels;
  double value = 0;
  int64_t t_ms = 0;  // the point's own time (timestamp() reads it)
};

struct SeriesPoints {
  Labels labels;
  std::vector<int64_t> t_ms;
  std::vector<double> values;
};

struct Value {
  ValueKind kind = ValueKind::kVector;
  double scalar = 0;                 // kScalar
  std::string text;                  // kString
  std::vector<Sample> vector;        // kVector
  std::vector<SeriesPoints> matrix;  // kMatrix

  static Value Scalar(double v) {
    Value out;
    out.kind = ValueKind::kScalar;
    out.scalar = v;
    return out;
  }
};

// The value of `name`, "" when absent (PromQL treats both the same).
std::string_view LabelValue(const Labels& labels, std::string_view name);
void SetLabel(Labels& labels, std::string_view name, std::string_view value);
void DeleteLabel(Labels& labels, std::string_view name);
// Prometheus' name rules: label names [a-zA-Z_][a-zA-Z0-9_]*, metric names
// also with ':'.
bool IsValidLabelName(std::string_view name);
bool IsValidMetricName(std::string_view name);
// A key for grouping and matching: the pairs joined with separators that
// cannot occur in UTF-8 text.
std::string LabelsKey(const Labels& labels);

}  // namespace citynexus::query::promql
