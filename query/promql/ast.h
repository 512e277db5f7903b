// The syntax tree of PromQL expressions (Prometheus 2.x grammar), produced
// by ParsePromql (parser.h) and read by the evaluator (evaluator.h).
// Label matchers reuse the indicator language's types; times are Unix
// milliseconds, as in Prometheus.
//
// Thread-safety: immutable after parsing; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "query/indicators/expr_ast.h"

namespace citynexus::query::promql {

using indicators::LabelMatcher;
using indicators::MatchOp;

// What an expression evaluates to.
enum class ValueKind { kScalar, kVector, kMatrix, kString };
const char* ValueKindName(ValueKind kind);  // "scalar", "vector", ...

enum class NodeKind {
  kNumber,
  kString,
  kVectorSelector,  // name{matchers} [offset] [@]
  kMatrixSelector,  // args[0] is the vector selector; range_ms
  kSubquery,        // args[0][range:step] [offset] [@]
  kCall,            // name(args...)
  kAggregate,       // op [by|without (grouping)] ([param,] expr)
  kBinary,          // args[0] op args[1]
  kUnary,           // -args[0] (a unary + is dropped by the parser)
  kParen,           // (args[0]); kept so `(a)[5m:]` reads as written
};

// True for == != > < >= <= (binary operator text).
bool IsComparisonOperator(std::string_view op);

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

enum class AtKind { kNone, kTime, kStart, kEnd };

struct Node {
  NodeKind kind = NodeKind::kNumber;
  ValueKind type = ValueKind::kScalar;
  size_t pos = 0;  // byte offset of the node's first token

  double number = 0;  // kNumber
  // kString value; kCall function name; kVectorSelector metric name ("" for
  // {__name__=...} only); kAggregate / kBinary operator ("sum", "+", "and").
  std::string text;

  // kVectorSelector (the metric name is also a __name__ matcher here).
  std::vector<LabelMatcher> matchers;

  // kMatrixSelector / kSubquery: window; kSubquery: resolution (0 = default).
  int64_t range_ms = 0;
  int64_t step_ms = 0;
  // kVectorSelector / kSubquery: `offset` and `@`.
  int64_t offset_ms = 0;
  AtKind at = AtKind::kNone;
  int64_t at_ms = 0;  // AtKind::kTime

  // kAggregate
  bool without = false;
  std::vector<std::string> grouping;

  // kBinary
  bool return_bool = false;
  bool on = false;  // on(...) given (else ignoring(...) or none)
  std::vector<std::string> matching_labels;
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> include_labels;  // group_left/right(...)

  std::vector<std::unique_ptr<Node>> args;
};

}  // namespace citynexus::query::promql
