// Static city facts with validity periods (query/indicators.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/json_parse.h"
#include "query/indicators.h"
#include "query/time_parse.h"

namespace citynexus::query {

void Facts::Set(const std::string& name, std::vector<Period> periods) {
  std::stable_sort(
      periods.begin(), periods.end(),
      [](const Period& a, const Period& b) { return a.from_ns < b.from_ns; });
  facts_[name] = std::move(periods);
}

bool Facts::Has(const std::string& name) const {
  return facts_.count(name) > 0;
}

std::optional<double> Facts::ValueAt(const std::string& name,
                                     int64_t t_ns) const {
  auto it = facts_.find(name);
  if (it == facts_.end()) {
    return std::nullopt;
  }
  std::optional<double> value;
  for (const auto& p : it->second) {
    if (p.from_ns > t_ns) {
      break;
    }
    value = p.value;
  }
  return value;
}

std::vector<std::string> Facts::Names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : facts_) {
    out.push_back(k);
  }
  return out;
}

Result<Facts> FactsFromJson(std::string_view json_text) {
  using nlohmann::json;
  auto parsed = ParseJsonLimited(json_text, kMaxJsonDepth, "facts");
  if (!parsed) return parsed.error();
  json root = std::move(*parsed);
  if (!root.is_object()) {
    return Status::InvalidArgument("facts: expected an object");
  }
  Facts facts;
  for (const auto& [name, v] : root.items()) {
    const std::string path = "facts." + name;
    if (v.is_number()) {
      facts.Set(name, {Facts::Period{INT64_MIN, v.get<double>()}});
      continue;
    }
    if (!v.is_array() || v.empty()) {
      return Status::InvalidArgument(
          path +
          ": expected a number or a non-empty list of "
          "{\"from\": date, \"value\": number}");
    }
    std::vector<Facts::Period> periods;
    for (size_t i = 0; i < v.size(); ++i) {
      const json& p = v[i];
      const std::string ppath = path + "[" + std::to_string(i) + "]";
      if (!p.is_object() || !p.contains("value") || !p["value"].is_number()) {
        return Status::InvalidArgument(ppath +
                                       ": expected {\"from\": date, "
                                       "\"value\": number}");
      }
      for (const auto& [k, unused] : p.items()) {
        if (k != "from" && k != "value") {
          std::string msg = ppath;
          msg += "." + k + ": unknown key";
          return Status::InvalidArgument(msg);
        }
      }
      Facts::Period period;
      period.value = p["value"].get<double>();
      if (p.contains("from")) {
        if (!p["from"].is_string()) {
          return Status::InvalidArgument(ppath + ".from: expected a date");
        }
        std::string from = p["from"].get<std::string>();
        if (from.size() == 10) {
          from += "T00:00:00Z";  // a date: UTC midnight
        }
        auto t = ParseTimeNs(from, 0);
        if (!t) {
          return t.error().WithContext(ppath + ".from");
        }
        period.from_ns = *t;
      }
      periods.push_back(period);
    }
    facts.Set(name, std::move(periods));
  }
  return facts;
}

}  // namespace citynexus::query
