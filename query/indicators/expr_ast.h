// The syntax tree of indicator expressions (PromQL-style, see
// docs/indicators.md). Produced by ParseExpr (expr_parser.h), read by the
// evaluator.
//
// Thread-safety: immutable after parsing; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "query/agg_function.h"

namespace citynexus::query::indicators {

enum class MatchOp { kEqual, kNotEqual, kRegexMatch, kRegexNotMatch };

struct LabelMatcher {
  std::string label;
  MatchOp op = MatchOp::kEqual;
  std::string value;
};

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kEq,
  kNe,
  kGt,
  kLt,
  kGe,
  kLe,
  kAnd,  // set intersection: lhs elements whose match signature is in rhs
};

bool IsComparison(BinaryOp op);
const char* BinaryOpText(BinaryOp op);

enum class ExprKind {
  kNumber,
  kString,
  kSelector,   // measurement.field{...}, optionally with a range [W]
  kSubquery,   // (expr)[W:R]
  kCall,       // function call
  kAggregate,  // sum by (...) (expr)
  kBinary,
  kNegate,
};

struct Expr {
  ExprKind kind = ExprKind::kNumber;
  size_t pos = 0;  // byte offset of the node's first token

  double number = 0;  // kNumber
  std::string text;   // kString value; kCall function name

  // kSelector
  std::string measurement;
  std::string field;
  std::vector<LabelMatcher> matchers;

  // kSelector with a range, kSubquery: window length; 0 = "the step".
  bool has_range = false;
  int64_t range_ns = 0;
  int64_t resolution_ns = 0;  // kSubquery: inner step
  int64_t offset_ns = 0;      // `offset D` on a range selector / subquery

  // kAggregate
  // The query layer's one enum of aggregate functions; the language has
  // sum, avg (kMean), min, max, count and quantile (kPercentile, q in 0..1).
  AggFunction agg = AggFunction::kSum;
  bool without = false;               // without (...) instead of by (...)
  std::vector<std::string> grouping;  // by/without labels

  // kBinary
  BinaryOp op = BinaryOp::kAdd;
  bool return_bool = false;   // comparison with the `bool` modifier
  bool has_matching = false;  // on(...) or ignoring(...) given
  bool on = false;            // on(...) (else ignoring(...))
  std::vector<std::string> matching_labels;

  // Operands: kBinary lhs, rhs; kNegate/kSubquery child; kCall arguments;
  // kAggregate: [param,] expr.
  std::vector<std::unique_ptr<Expr>> args;
};

// Facts and selectors an expression refers to (for validation).
void CollectFacts(const Expr& e,
                  std::vector<std::pair<std::string, size_t>>* facts_with_pos);
void CollectSelectors(const Expr& e, std::vector<const Expr*>* selectors);

}  // namespace citynexus::query::indicators
