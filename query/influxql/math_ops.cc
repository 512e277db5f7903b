// Arithmetic and math functions over result cells with InfluxDB 1.6's
// rules (query/select.go's binary expression funcs, query/math.go):
//   - null in, null out (an empty bucket stays an empty row);
//   - integer op integer stays integer for + - * %, `/` is always float,
//     and a division or modulo by zero gives 0;
//   - abs, floor, ceil and round keep integers, the others are float.
#include <cmath>

#include "query/influxql/select_expr.h"

namespace citynexus::query::influxql::detail {

bool IsNumber(const Cell& c) {
  return std::holds_alternative<double>(c) ||
         std::holds_alternative<int64_t>(c);
}

double AsDouble(const Cell& c) {
  if (const auto* i = std::get_if<int64_t>(&c)) return static_cast<double>(*i);
  return std::get<double>(c);
}

std::optional<size_t> MathArity(std::string_view name) {
  static const std::pair<std::string_view, size_t> kMath[] = {
      {"abs", 1}, {"round", 1}, {"floor", 1}, {"ceil", 1}, {"sqrt", 1},
      {"ln", 1},  {"log2", 1},  {"log10", 1}, {"exp", 1},  {"sin", 1},
      {"cos", 1}, {"tan", 1},   {"asin", 1},  {"acos", 1}, {"atan", 1},
      {"pow", 2}, {"log", 2},   {"atan2", 2}};
  for (const auto& [n, arity] : kMath) {
    if (n == name) return arity;
  }
  return std::nullopt;
}

Cell Arithmetic(BinaryOp op, const Cell& a, const Cell& b) {
  if (!IsNumber(a) || !IsNumber(b)) return std::monostate{};
  const auto* ia = std::get_if<int64_t>(&a);
  const auto* ib = std::get_if<int64_t>(&b);
  if (ia && ib) {
    // Wrapping arithmetic, as Go's int64 (no UB on overflow).
    const auto ua = static_cast<uint64_t>(*ia);
    const auto ub = static_cast<uint64_t>(*ib);
    switch (op) {
      case BinaryOp::kAdd:
        return static_cast<int64_t>(ua + ub);
      case BinaryOp::kSub:
        return static_cast<int64_t>(ua - ub);
      case BinaryOp::kMul:
        return static_cast<int64_t>(ua * ub);
      case BinaryOp::kDiv:
        if (*ib == 0) return 0.0;
        return static_cast<double>(*ia) / static_cast<double>(*ib);
      case BinaryOp::kMod:
        if (*ib == 0 || *ib == -1) return int64_t{0};
        return *ia % *ib;
      default:
        return std::monostate{};
    }
  }
  const double x = AsDouble(a), y = AsDouble(b);
  switch (op) {
    case BinaryOp::kAdd:
      return x + y;
    case BinaryOp::kSub:
      return x - y;
    case BinaryOp::kMul:
      return x * y;
    case BinaryOp::kDiv:
      return y == 0 ? 0.0 : x / y;
    case BinaryOp::kMod:
      return std::fmod(x, y);
    default:
      return std::monostate{};
  }
}

Cell MathCall(const std::string& name, const std::vector<Cell>& args) {
  for (const auto& a : args) {
    if (!IsNumber(a)) return std::monostate{};
  }
  const Cell& a = args[0];
  if (const auto* i = std::get_if<int64_t>(&a)) {
    if (name == "abs") {
      return *i < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(*i)) : *i;
    }
    if (name == "floor" || name == "ceil" || name == "round") return *i;
  }
  const double x = AsDouble(a);
  if (args.size() == 2) {
    const double y = AsDouble(args[1]);
    if (name == "pow") return std::pow(x, y);
    if (name == "atan2") return std::atan2(x, y);
    return std::log(x) / std::log(y);  // log(x, base)
  }
  if (name == "abs") return std::fabs(x);
  if (name == "floor") return std::floor(x);
  if (name == "ceil") return std::ceil(x);
  if (name == "round") return std::round(x);  // half away from zero, as Go
  if (name == "sqrt") return std::sqrt(x);
  if (name == "ln") return std::log(x);
  if (name == "log2") return std::log2(x);
  if (name == "log10") return std::log10(x);
  if (name == "exp") return std::exp(x);
  if (name == "sin") return std::sin(x);
  if (name == "cos") return std::cos(x);
  if (name == "tan") return std::tan(x);
  if (name == "asin") return std::asin(x);
  if (name == "acos") return std::acos(x);
  return std::atan(x);
}

}  // namespace citynexus::query::influxql::detail
