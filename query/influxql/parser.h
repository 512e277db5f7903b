// InfluxQL parser: query text (several statements separated by ';') to the
// syntax tree of ast.h.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "query/influxql/ast.h"

namespace citynexus::query::influxql {

// A bound parameter value ($name), from the `params` JSON object.
using ParamValue = std::variant<std::string, double, int64_t, bool>;
using Params = std::map<std::string, ParamValue, std::less<>>;

// Parses every statement of `text`. kInvalidArgument with InfluxDB's wording
// ("found FROM, expected identifier at line 1, char 8") when any statement
// is malformed. Statements citynexus recognises but does not run come back
// as UnsupportedStatement.
Result<std::vector<Statement>> ParseQuery(std::string_view text,
                                          const Params& params);

}  // namespace citynexus::query::influxql
