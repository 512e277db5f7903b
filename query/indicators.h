// citynexus indicators: declarative indicator definitions (JSON, one per
// file), static city facts, an expression language with PromQL semantics over
// citynexus series, its evaluator, and the HTTP API
// (GET /api/v1/indicators, GET /api/v1/indicators/{id},
// POST /api/v1/indicators/evaluate). See docs/indicators.md.
//
// Thread-safety: Facts, IndicatorCatalog and IndicatorService are immutable
// after construction and safe for concurrent use; evaluation only reads the
// Store (itself thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/query_guard.h"

namespace citynexus::query {

class QueryWorkers;

namespace indicators {
struct Expr;  // parsed expression (query/indicators/expr_ast.h)
}

// ---- facts ----

// Static city facts ("population", "mains_length_km"), each a list of values
// with the instant from which they hold. Evaluation uses, at every step, the
// value whose `from_ns` is the latest one <= the step's start; before the
// first period a fact is undefined and the step has no value.
class Facts {
 public:
  struct Period {
    int64_t from_ns = INT64_MIN;  // INT64_MIN: valid since forever
    double value = 0;
  };

  // Replaces the periods of `name` (sorted here by from_ns).
  void Set(const std::string& name, std::vector<Period> periods);
  bool Has(const std::string& name) const;
  // The value in force at `t_ns`, or nullopt (unknown name, or before the
  // first period).
  std::optional<double> ValueAt(const std::string& name, int64_t t_ns) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::vector<Period>> facts_;
};

// Parses the config `facts` object: {"population": 250000} or
// {"population": [{"from": "2024-01-01", "value": 251300}, ...]} ("from" is
// a date or an RFC 3339 time, UTC). kInvalidArgument naming the JSON path.
Result<Facts> FactsFromJson(std::string_view json_text);

// ---- definitions and the catalog ----

struct IndicatorReference {
  std::string standard;             // "ISO 37120:2014"
  std::optional<std::string> code;  // "21.5"; nullopt when none
  std::string status;  // confirmed | section confirmed, no. unverified |
                       // unverified | inferred | own
};

struct IndicatorDefinition {
  std::string id;  // snake_case, unique in the catalog
  int version = 1;
  std::string name;
  std::vector<std::string> domains;
  IndicatorReference reference;
  std::string unit;
  std::string step = "1d";    // duration ("15m", "1d") or calendar ("1mo")
  std::string expr;           // the expression text
  double min_coverage = 0.8;  // 0..1; below it a value is flagged "partial"
  std::string description;
  // "public": true lets anyone evaluate it, even when its inputs are private
  // (publish the aggregate, protect the raw data). Default false: the caller
  // needs read on every measurement the expression selects.
  bool is_public = false;
  std::string source_path;  // file it was loaded from ("" when built in code)
  std::shared_ptr<const indicators::Expr> parsed;  // never null once loaded
};

// Parses and validates one definition (JSON object text): unknown keys,
// missing keys, bad step, expression syntax (message with line:col and a
// caret excerpt), unknown functions and unknown facts are errors
// (kInvalidArgument). Selectors whose measurement is not in
// `known_measurements` add a warning when that list is given.
Result<IndicatorDefinition> ParseIndicatorDefinition(
    std::string_view json_text, const Facts& facts,
    const std::vector<std::string>* known_measurements,
    std::vector<std::string>* warnings);

class IndicatorCatalog {
 public:
  // kInvalidArgument for a duplicate id.
  Status Add(IndicatorDefinition definition);
  const IndicatorDefinition* Find(std::string_view id) const;  // null: none
  const std::vector<IndicatorDefinition>& All() const { return defs_; }

 private:
  std::vector<IndicatorDefinition> defs_;  // sorted by id
};

// Loads every *.json file of `dirs` (not recursive) as one definition each.
// Errors name the file ("config/indicators/x.json: line 1:14: ..."); the
// first error fails the load. Warnings (selectors matching no known
// measurement, when `known_measurements` is given) are appended to
// `warnings` when not null. kNotFound when a directory does not exist.
Result<IndicatorCatalog> LoadIndicatorCatalog(
    const std::vector<std::string>& dirs, const Facts& facts,
    std::vector<std::string>* warnings,
    const std::vector<std::string>* known_measurements = nullptr);

// ---- evaluation ----

enum class Quality { kOk, kPartial, kInsufficientData };
std::string_view QualityName(Quality q);  // "ok", "partial", ...

struct IndicatorPoint {
  int64_t t_ns = 0;             // start of the step (bucket label)
  std::optional<double> value;  // nullopt: no value (insufficient data)
  double coverage = 0;          // 0..1
  Quality quality = Quality::kInsufficientData;
};

struct IndicatorSeries {
  std::map<std::string, std::string> labels;
  std::vector<IndicatorPoint> points;  // ascending, steps with an element
};

struct EvaluationRequest {
  int64_t start_ns = 0;   // inclusive; aligned down to the step grid
  int64_t end_ns = 0;     // exclusive
  std::string step;       // "" = the definition's step
  std::string time_zone;  // IANA name; "" = UTC
  // Stops the evaluation on timeout or client disconnect; null: never.
  const QueryGuard* guard = nullptr;
};

struct EvaluationLimits {
  size_t max_series_per_selector = 10000;
  size_t max_steps = 100000;           // steps of one evaluation
  uint64_t max_raw_points = 50000000;  // raw points read per evaluation
  // Time one HTTP evaluation may run (<= 0: no limit); it also stops when
  // the client disconnects.
  std::chrono::milliseconds timeout{60000};
  // Threads that read the series of one selector (query.parallelism): 0 one
  // per core, 1 only the evaluating thread.
  size_t parallelism = 0;
};

struct EvaluationResult {
  std::vector<IndicatorSeries> series;
  std::vector<int64_t> steps;  // step starts
  int64_t step_count = 0;
  uint64_t points_read = 0;
  uint64_t buckets_read = 0;
  double elapsed_ms = 0;
};

// Where a parse error happened, for API error bodies.
struct ExprErrorPosition {
  size_t offset = 0;  // byte offset in the expression
  int line = 1;
  int column = 1;
};

// Evaluates indicators and ad-hoc expressions against a store.
class IndicatorService {
 public:
  // `store` must outlive the service.
  IndicatorService(engine::Store& store, IndicatorCatalog catalog, Facts facts,
                   EvaluationLimits limits = {});

  const IndicatorCatalog& catalog() const { return catalog_; }
  const Facts& facts() const { return facts_; }
  const EvaluationLimits& limits() const { return limits_; }

  // kNotFound for an unknown id; kInvalidArgument for a bad range, step or
  // time zone; kResourceExhausted naming the limit hit; kNotSupported for a
  // language feature that is not implemented.
  Result<EvaluationResult> Evaluate(std::string_view id,
                                    const EvaluationRequest& request) const;

  // Parses and evaluates `expr` (min_coverage 0.8). Parse errors are
  // kInvalidArgument and fill `error_position` when given.
  Result<EvaluationResult> EvaluateExpression(
      std::string_view expr, const EvaluationRequest& request,
      ExprErrorPosition* error_position = nullptr) const;

 private:
  Result<EvaluationResult> Run(const indicators::Expr& expr,
                               const std::string& default_step,
                               double min_coverage,
                               const EvaluationRequest& request) const;

  engine::Store& store_;
  IndicatorCatalog catalog_;
  Facts facts_;
  EvaluationLimits limits_;
  // Reads a selector's series in parallel (query_workers.h); null when
  // limits_.parallelism resolves to 1. Shared by copies of the service.
  std::shared_ptr<QueryWorkers> workers_;
};

// Whether `caller` may evaluate `definition` (issue #10): OK for a public
// one; otherwise the caller's DenyStatus naming the first measurement of
// its expression it may not read.
Status AuthorizeIndicator(const IndicatorDefinition& definition,
                          const net::Access& caller);

// Registers GET /api/v1/indicators, GET /api/v1/indicators/{id} and
// POST /api/v1/indicators/evaluate. `service` must outlive the server.
void RegisterIndicatorRoutes(net::Router& router,
                             const IndicatorService& service);

// The handlers behind those routes (plain functions, testable without
// sockets). `now_ns` resolves "now" in start/end.
net::Response HandleListIndicators(const IndicatorService& service,
                                   const net::Request& req);
net::Response HandleGetIndicator(const IndicatorService& service,
                                 const net::Request& req, int64_t now_ns);
net::Response HandleEvaluateExpression(const IndicatorService& service,
                                       const net::Request& req, int64_t now_ns);

}  // namespace citynexus::query
