#include "query/agg_function.h"

#include <cstdio>
#include <optional>

#include "common/numbers.h"

namespace citynexus::query {

Result<std::pair<AggFunction, double>> ParseAggFunction(std::string_view text) {
  static const std::pair<std::string_view, AggFunction> kNames[] = {
      {"count", AggFunction::kCount},
      {"sum", AggFunction::kSum},
      {"mean", AggFunction::kMean},
      {"avg", AggFunction::kMean},
      {"min", AggFunction::kMin},
      {"max", AggFunction::kMax},
      {"first", AggFunction::kFirst},
      {"last", AggFunction::kLast},
      {"spread", AggFunction::kSpread},
      {"median", AggFunction::kMedian},
      {"stddev", AggFunction::kStddev},
      {"integral", AggFunction::kIntegral},
      {"increase", AggFunction::kIncrease},
      {"rate", AggFunction::kRate},
      {"raw", AggFunction::kNone},
      {"", AggFunction::kNone}};
  for (const auto& [name, f] : kNames) {
    if (text == name) {
      double param = f == AggFunction::kMedian ? 50 : 0;
      return std::make_pair(f, param);
    }
  }
  // percentile(95) or p95
  std::string_view number;
  if (text.size() > 12 && text.substr(0, 11) == "percentile(" &&
      text.back() == ')') {
    number = text.substr(11, text.size() - 12);
  } else if (text.size() > 1 && text[0] == 'p') {
    number = text.substr(1);
  }
  if (!number.empty()) {
    const std::optional<double> p = ParseDecimal(number);
    if (p && *p >= 0 && *p <= 100) {
      return std::make_pair(AggFunction::kPercentile, *p);
    }
    return Status::InvalidArgument(
        "agg: percentile must be between 0 and 100, got \"" +
        std::string(text) + "\"");
  }
  return Status::InvalidArgument(
      "agg: unknown function \"" + std::string(text) +
      "\"; expected count, sum, mean, min, max, first, last, spread, median, "
      "stddev, percentile(p), integral, increase or rate");
}

std::string AggFunctionName(AggFunction f, double param) {
  switch (f) {
    case AggFunction::kNone:
      return "raw";
    case AggFunction::kCount:
      return "count";
    case AggFunction::kSum:
      return "sum";
    case AggFunction::kMean:
      return "mean";
    case AggFunction::kMin:
      return "min";
    case AggFunction::kMax:
      return "max";
    case AggFunction::kFirst:
      return "first";
    case AggFunction::kLast:
      return "last";
    case AggFunction::kSpread:
      return "spread";
    case AggFunction::kMedian:
      return "median";
    case AggFunction::kStddev:
      return "stddev";
    case AggFunction::kPercentile: {
      char buf[48];
      std::snprintf(buf, sizeof(buf), "percentile(%g)", param);
      return buf;
    }
    case AggFunction::kIntegral:
      return "integral";
    case AggFunction::kIncrease:
      return "increase";
    case AggFunction::kRate:
      return "rate";
  }
  return "unknown";
}

}  // namespace citynexus::query
