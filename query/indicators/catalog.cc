// Loading and validating indicator definitions (query/indicators.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/json_parse.h"
#include "common/suggest.h"
#include "query/indicators.h"
#include "query/indicators/expr_ast.h"
#include "query/indicators/expr_lexer.h"
#include "query/indicators/expr_parser.h"
#include "query/time_parse.h"

namespace citynexus::query {
namespace {

// [a-z][a-z0-9_]*, checked by hand (no regex engine for a fixed rule).
bool IsSnakeCase(const std::string& s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

using nlohmann::json;

const std::vector<std::string>& DefinitionKeys() {
  static const std::vector<std::string> kKeys = {
      "id",   "version", "name",         "domains",     "reference", "unit",
      "step", "expr",    "min_coverage", "description", "public"};
  return kKeys;
}

const std::set<std::string>& ReferenceStatuses() {
  static const std::set<std::string> kStatuses = {
      "confirmed", "section confirmed, no. unverified", "unverified",
      "inferred", "own"};
  return kStatuses;
}

// "; did you mean \"x\"?" when `key` is a plausible typo of a known name
// (the one rule of common/suggest.h), else "".
std::string Hint(const std::string& key,
                 const std::vector<std::string>& known) {
  const std::optional<std::string> best = ClosestName(key, known);
  return best ? "; did you mean \"" + *best + "\"?" : "";
}

Status ValidateStep(const std::string& step) {
  // Days and weeks are fixed durations here; the time zone of an evaluation
  // decides later whether they follow the calendar.
  CITYNEXUS_ASSIGN_OR_RETURN(auto calendar,
                             ParseCalendarStep(step, /*zoned=*/false));
  if (calendar.count > 0) return Status::Ok();
  CITYNEXUS_ASSIGN_OR_RETURN(auto ns, ParseDurationNs(step));
  if (ns <= 0) {
    return Status::InvalidArgument("must be positive");
  }
  return Status::Ok();
}

Result<std::string> RequiredString(const json& j, const char* key) {
  if (!j.contains(key)) {
    return Status::InvalidArgument(std::string(key) + ": required");
  }
  if (!j[key].is_string() || j[key].get<std::string>().empty()) {
    return Status::InvalidArgument(std::string(key) +
                                   ": expected a non-empty string");
  }
  return j[key].get<std::string>();
}

Result<IndicatorDefinition> FromJson(const json& j) {
  IndicatorDefinition d;
  if (!j.is_object()) {
    return Status::InvalidArgument("expected one JSON object");
  }
  for (const auto& [k, unused] : j.items()) {
    const auto& keys = DefinitionKeys();
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
      return Status::InvalidArgument(k + ": unknown key" + Hint(k, keys));
    }
  }
  CITYNEXUS_ASSIGN_OR_RETURN(auto id, RequiredString(j, "id"));
  if (!IsSnakeCase(id)) {
    return Status::InvalidArgument("id: expected snake_case, got \"" + id +
                                   "\"");
  }
  d.id = id;
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<int>() < 1) {
    return Status::InvalidArgument("version: expected an integer >= 1");
  }
  d.version = j["version"].get<int>();
  auto name = RequiredString(j, "name");
  if (!name) {
    return name.error();
  }
  d.name = *name;
  auto unit = RequiredString(j, "unit");
  if (!unit) {
    return unit.error();
  }
  d.unit = *unit;
  auto expr = RequiredString(j, "expr");
  if (!expr) {
    return expr.error();
  }
  d.expr = *expr;
  if (!j.contains("domains") || !j["domains"].is_array() ||
      j["domains"].empty()) {
    return Status::InvalidArgument("domains: expected a non-empty list");
  }
  for (const auto& dom : j["domains"]) {
    if (!dom.is_string()) {
      return Status::InvalidArgument("domains: expected strings");
    }
    d.domains.push_back(dom.get<std::string>());
  }
  if (!j.contains("reference") || !j["reference"].is_object()) {
    return Status::InvalidArgument(
        "reference: expected {\"standard\", \"code\", \"status\"}");
  }
  const json& ref = j["reference"];
  for (const auto& [k, unused] : ref.items()) {
    const std::vector<std::string> keys = {"standard", "code", "status"};
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
      return Status::InvalidArgument("reference." + k + ": unknown key" +
                                     Hint(k, keys));
    }
  }
  auto standard = RequiredString(ref, "standard");
  if (!standard) {
    return standard.error().WithContext("reference");
  }
  d.reference.standard = *standard;
  if (ref.contains("code") && !ref["code"].is_null()) {
    if (!ref["code"].is_string()) {
      return Status::InvalidArgument(
          "reference.code: expected a string or "
          "null");
    }
    d.reference.code = ref["code"].get<std::string>();
  }
  auto status = RequiredString(ref, "status");
  if (!status) {
    return status.error().WithContext("reference");
  }
  if (ReferenceStatuses().count(*status) == 0) {
    return Status::InvalidArgument(
        "reference.status: expected confirmed, \"section confirmed, no. "
        "unverified\", unverified, inferred or own; got \"" +
        *status + "\"");
  }
  d.reference.status = *status;
  if (j.contains("step")) {
    if (!j["step"].is_string()) {
      return Status::InvalidArgument("step: expected a string such as \"1d\"");
    }
    d.step = j["step"].get<std::string>();
  }
  if (Status st = ValidateStep(d.step); !st.ok()) {
    return st.WithContext("step");
  }
  if (j.contains("min_coverage")) {
    if (!j["min_coverage"].is_number() || j["min_coverage"].get<double>() < 0 ||
        j["min_coverage"].get<double>() > 1) {
      return Status::InvalidArgument(
          "min_coverage: expected a number in "
          "0..1");
    }
    d.min_coverage = j["min_coverage"].get<double>();
  }
  if (j.contains("public")) {
    if (!j["public"].is_boolean()) {
      return Status::InvalidArgument("public: expected true or false");
    }
    d.is_public = j["public"].get<bool>();
  }
  if (j.contains("description")) {
    if (!j["description"].is_string()) {
      return Status::InvalidArgument("description: expected a string");
    }
    d.description = j["description"].get<std::string>();
  }
  return d;
}

}  // namespace

Result<IndicatorDefinition> ParseIndicatorDefinition(
    std::string_view json_text, const Facts& facts,
    const std::vector<std::string>* known_measurements,
    std::vector<std::string>* warnings) {
  auto doc = ParseJsonLimited(json_text);
  if (!doc) return doc.error();
  json j = std::move(*doc);
  auto d = FromJson(j);
  if (!d) {
    return d;
  }
  auto parsed = indicators::ParseExpr(d->expr);
  if (!parsed) {
    return Status(parsed.error().code(), "expr: " + parsed.error().message());
  }
  std::vector<std::pair<std::string, size_t>> used;
  indicators::CollectFacts(**parsed, &used);
  for (const auto& [name, pos] : used) {
    if (!facts.Has(name)) {
      return Status::InvalidArgument(
          "expr: " +
          indicators::FormatExprError(
              d->expr, pos,
              "unknown fact \"" + name + "\"" + Hint(name, facts.Names())));
    }
  }
  if (known_measurements && warnings) {
    std::vector<const indicators::Expr*> selectors;
    indicators::CollectSelectors(**parsed, &selectors);
    for (const auto* s : selectors) {
      if (std::find(known_measurements->begin(), known_measurements->end(),
                    s->measurement) == known_measurements->end()) {
        warnings->push_back(d->id + ": selector " + s->measurement + "." +
                            s->field + " matches no declared measurement \"" +
                            s->measurement + "\"");
      }
    }
  }
  d->parsed = std::shared_ptr<const indicators::Expr>(std::move(*parsed));
  return d;
}

Status IndicatorCatalog::Add(IndicatorDefinition definition) {
  auto it = std::lower_bound(defs_.begin(), defs_.end(), definition.id,
                             [](const IndicatorDefinition& d,
                                const std::string& id) { return d.id < id; });
  if (it != defs_.end() && it->id == definition.id) {
    return Status::InvalidArgument("duplicate indicator id \"" + definition.id +
                                   "\" (" + it->source_path + " and " +
                                   definition.source_path + ")");
  }
  defs_.insert(it, std::move(definition));
  return Status::Ok();
}

const IndicatorDefinition* IndicatorCatalog::Find(std::string_view id) const {
  auto it = std::lower_bound(defs_.begin(), defs_.end(), id,
                             [](const IndicatorDefinition& d,
                                std::string_view x) { return d.id < x; });
  if (it == defs_.end() || it->id != id) {
    return nullptr;
  }
  return &*it;
}

Result<IndicatorCatalog> LoadIndicatorCatalog(
    const std::vector<std::string>& dirs, const Facts& facts,
    std::vector<std::string>* warnings,
    const std::vector<std::string>* known_measurements) {
  namespace fs = std::filesystem;
  IndicatorCatalog catalog;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      return Status::NotFound("indicators.paths: " + dir +
                              " is not a directory");
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") {
        files.push_back(entry.path());
      }
    }
    if (ec) {
      return Status::IOError(dir + ": " + ec.message());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file);
      if (!in) {
        return Status::IOError(file.string() + ": cannot read");
      }
      std::stringstream text;
      text << in.rdbuf();
      auto d = ParseIndicatorDefinition(text.str(), facts, known_measurements,
                                        warnings);
      if (!d) {
        return d.error().WithContext(file.string());
      }
      d->source_path = file.string();
      CITYNEXUS_RETURN_IF_ERROR(catalog.Add(std::move(*d)));
    }
  }
  return catalog;
}

}  // namespace citynexus::query
