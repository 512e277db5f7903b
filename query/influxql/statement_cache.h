// A bounded cache of parsed InfluxQL queries, keyed by their exact text.
//
// Dashboards send the same few statements over and over (only the bound
// time range is in the text, and most panels repeat it); parsing is ~7 % of
// a small query's CPU. The parse of a text without bound parameters depends
// on nothing but the text (now() and the time zone's offsets are resolved
// at execution, zone names are looked up the same way each time), so the
// parsed statements can be shared. Authorization still runs per request on
// the shared statements.
//
// Bounds: at most kMaxEntries texts of at most kMaxTextBytes each; longer
// texts, texts with bound parameters and parse errors are never stored.
// When full, an arbitrary entry is dropped.
//
// Thread-safety: Parse is safe from any thread; the returned statements are
// immutable and shared.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "query/influxql/ast.h"
#include "query/influxql/parser.h"

namespace citynexus::query::influxql {

class StatementCache {
 public:
  static constexpr size_t kMaxEntries = 256;
  static constexpr size_t kMaxTextBytes = 4096;
  using Parsed = std::shared_ptr<const std::vector<Statement>>;

  // ParseQuery(text, params), answered from the cache when `params` is
  // empty and the same text was parsed before.
  Result<Parsed> Parse(std::string_view text, const Params& params);

  // Texts stored now (for tests).
  size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  mutable Mutex mu_;
  std::unordered_map<std::string, Parsed, Hash, std::equal_to<>> entries_
      GUARDED_BY(mu_);
};

}  // namespace citynexus::query::influxql
