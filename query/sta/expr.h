// OData expressions of SensorThings $filter and $orderby (OGC 18-088 §9.3.3.5):
// comparison (eq ne gt ge lt le), logical (and or not), arithmetic (add sub
// mul div mod, unary minus), string functions (substringof contains
// startswith endswith length indexof substring tolower toupper trim concat),
// date functions (year month day hour minute second fractionalseconds date
// time totaloffsetminutes now mindatetime maxdatetime), math (round floor
// ceiling), literals (numbers, 'strings', true/false/null, ISO 8601 times
// written bare: 2024-01-01T00:00:00Z) and property paths
// (properties/measurement, Thing/name, Datastream/@iot.id).
// Geospatial functions (geo.*, st_*) parse as kNotSupported (HTTP 501).
//
// Bounds: expressions up to kMaxExpressionBytes, nesting up to
// kMaxExpressionDepth; errors are kInvalidArgument naming the 1-based
// position ("$filter: position 14: expected an operand").
//
// Thread-safety: parsed expressions are immutable; evaluation is pure.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace citynexus::query::sta {

constexpr size_t kMaxExpressionBytes = 4096;
constexpr int kMaxExpressionDepth = 32;

// A value during evaluation. Times are kept as nanoseconds with the offset
// they were written with (for totaloffsetminutes).
struct ExprValue {
  enum class Kind { kNull, kNumber, kString, kBool, kTime };
  Kind kind = Kind::kNull;
  double number = 0;
  std::string text;
  bool boolean = false;
  int64_t time_ns = 0;

  static ExprValue Null() { return {}; }
  static ExprValue Number(double v);
  static ExprValue String(std::string v);
  static ExprValue Bool(bool v);
  static ExprValue Time(int64_t ns);
};

struct Expr {
  enum class Kind { kLiteral, kPath, kUnary, kBinary, kCall };
  Kind kind = Kind::kLiteral;
  ExprValue literal;              // kLiteral
  std::vector<std::string> path;  // kPath: "properties", "measurement"
  std::string op;                 // kUnary ("not", "-"), kBinary, kCall name
  std::vector<std::unique_ptr<Expr>> args;
};

// Parses an OData expression. `option` names the query option in errors.
Result<std::unique_ptr<Expr>> ParseExpr(std::string_view text,
                                        std::string_view option);

// Resolves a property path of the entity being tested; Null when absent.
using PathResolver = std::function<ExprValue(const std::vector<std::string>&)>;

// Evaluates `expr`. Comparisons with null are false (except eq/ne null);
// type mismatches compare false; strings compared with times are parsed as
// ISO 8601. `now_ns` serves now().
ExprValue Evaluate(const Expr& expr, const PathResolver& resolve,
                   int64_t now_ns);
// Evaluate() as a filter: true only for Bool(true).
bool Matches(const Expr& expr, const PathResolver& resolve, int64_t now_ns);

// Orders two values for $orderby: nulls first, then by kind, then value.
int CompareForOrder(const ExprValue& a, const ExprValue& b);

// ISO 8601 / RFC 3339 time ("2024-01-01T00:00:00Z", "+01:00", fractions,
// a bare date "2024-01-01" = midnight UTC). nullopt when malformed.
std::optional<int64_t> ParseIsoTime(std::string_view text);
// "2024-01-01T00:00:00.000Z" (milliseconds; more digits when not whole ms).
std::string FormatIsoTime(int64_t ns);

// The phenomenonTime bounds a filter implies through top-level `and`
// conjuncts of the form `phenomenonTime <op> <time>` (or mirrored, also
// resultTime, which equals phenomenonTime here): [start_ns, end_ns).
// `exact` is true when the filter is nothing but such bounds.
struct TimeBounds {
  int64_t start_ns = INT64_MIN;
  int64_t end_ns = INT64_MAX;
  bool exact = false;
};
TimeBounds ExtractTimeBounds(const Expr* filter);

}  // namespace citynexus::query::sta
