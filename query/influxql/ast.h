// The InfluxQL syntax tree: statements and expressions produced by
// influxql_parser and consumed by the executor. Only the subset citynexus
// executes is modelled; statements the parser recognises but citynexus does
// not run carry a `not_supported` reason that becomes a statement error.
//
// Thread-safety: plain values, immutable after parsing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace citynexus::query::influxql {

enum class BinaryOp {
  kAnd,
  kOr,
  kEq,
  kNeq,
  kLt,
  kLte,
  kGt,
  kGte,
  kEqRegex,
  kNeqRegex,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
};

enum class ExprKind {
  kVarRef,    // name (+ optional ::field / ::tag cast in `text`)
  kCall,      // name(args)
  kBinary,    // lhs op rhs
  kParen,     // (lhs)
  kNumber,    // float literal
  kInteger,   // integer literal
  kString,    // 'single quoted'
  kRegex,     // /regex/
  kBool,      // true / false
  kDuration,  // 10m, 1704067200s (nanoseconds)
  kWildcard,  // *
};

struct Expr {
  ExprKind kind = ExprKind::kVarRef;
  std::string name;  // varref/call name, string literal, regex source
  std::string cast;  // "field" / "tag" for `x::field`; empty otherwise
  double number = 0;
  int64_t integer = 0;  // integer literal or duration ns
  bool boolean = false;
  BinaryOp op = BinaryOp::kAnd;
  std::unique_ptr<Expr> lhs;
  std::unique_ptr<Expr> rhs;
  std::vector<std::unique_ptr<Expr>> args;
};

struct SelectField {
  std::unique_ptr<Expr> expr;
  std::string alias;  // empty: derived from the expression
};

struct SelectStatement;

// A FROM entry: `m`, `"m"`, `db.rp.m`, `db..m`, `/regex/` or a subquery
// `(SELECT ...)` (subquery.cc).
struct Source {
  std::string database;
  std::string retention_policy;
  std::string name;
  std::optional<std::string> regex;
  std::shared_ptr<const SelectStatement> subquery;
};

enum class FillKind { kNull, kNone, kPrevious, kLinear, kNumber };

struct SelectStatement {
  std::vector<SelectField> fields;
  std::vector<Source> sources;
  std::unique_ptr<Expr> condition;  // null: no WHERE
  int64_t interval_ns = 0;          // GROUP BY time(interval); 0: none
  int64_t interval_offset_ns = 0;
  std::vector<std::string> group_tags;
  bool group_all_tags = false;  // GROUP BY *
  FillKind fill = FillKind::kNull;
  double fill_value = 0;
  bool fill_value_integer = false;
  bool descending = false;
  int64_t limit = 0;  // 0: none
  int64_t offset = 0;
  int64_t slimit = 0;
  int64_t soffset = 0;
  std::string tz;  // tz('...') argument, empty when absent
  // Not syntax: set by the expression layer (select_expr.h) so that
  // transformations see the window before the first one, as InfluxDB does.
  int64_t extend_start_ns = 0;
};

enum class ShowKind {
  kDatabases,
  kMeasurements,
  kTagKeys,
  kTagValues,
  kFieldKeys,
  kSeries,
  kRetentionPolicies,
};

struct ShowStatement {
  ShowKind kind = ShowKind::kDatabases;
  std::string on_database;      // ON db
  std::vector<Source> sources;  // FROM
  // SHOW MEASUREMENTS WITH MEASUREMENT = name / =~ /re/.
  std::optional<std::string> measurement_equals;
  std::optional<std::string> measurement_regex;
  // SHOW TAG VALUES WITH KEY ...: op is kEq/kNeq/kEqRegex/kNeqRegex, or kEq
  // with several keys for IN (...).
  BinaryOp key_op = BinaryOp::kEq;
  std::vector<std::string> keys;
  std::string key_regex;
  std::unique_ptr<Expr> condition;  // WHERE
  int64_t limit = 0;
  int64_t offset = 0;
  // SHOW ... [EXACT] CARDINALITY of measurements, series, tag keys, tag
  // values or field keys (show_cardinality.cc).
  bool cardinality = false;
  bool exact = false;
};

struct CreateDatabaseStatement {
  std::string name;
};

// A statement citynexus parses but does not execute (DROP, INTO, ...).
struct UnsupportedStatement {
  std::string reason;  // "not supported: DROP MEASUREMENT"
};

using Statement = std::variant<SelectStatement, ShowStatement,
                               CreateDatabaseStatement, UnsupportedStatement>;

}  // namespace citynexus::query::influxql
