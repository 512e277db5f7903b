// The mapping keys of mapped JSON and CSV payloads, declared once and shared
// by every place a mapping is configured: `pollers[]` (formats json, csv),
// `ingest.sources[]` (POST /api/v1/ingest/{source}), `mqtt.subscriptions[]`
// (format json) and the `--mapping FILE` of `citynexus decode` / `import`.
//
//   records, time, time_format, fields, tags     JSON and CSV
//   delimiter, decimal_separator, header         CSV only
//
// The builders are templates over the element type: it has a
// `connectors::JsonMappingRule json` member and, when it can also be CSV, a
// `connectors::CsvMappingRule csv` member; setters fill both rules, so the
// element's `format` may be given before or after the mapping keys.
//
// Internal to app/ config loading. Thread-safety: stateless functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/config/option_builders.h"
#include "connectors/connectors.h"

namespace citynexus::app {

// `fields`: name -> source string (a float field) or {"source", "type"}.
// Reports each problem under `where` and returns nullopt when there was one.
std::optional<std::vector<connectors::MappedField>> ParseMappedFields(
    const Json& value, const std::string& where, ConfigErrors& errors);
Json MappedFieldsJson(const std::vector<connectors::MappedField>& fields);

// `tags`: name -> source string. Same reporting as ParseMappedFields.
std::optional<std::vector<connectors::MappedTag>> ParseMappedTags(
    const Json& value, const std::string& where, ConfigErrors& errors);
Json MappedTagsJson(const std::vector<connectors::MappedTag>& tags);

// The option table of one `ingest.sources[]` element; without `name` and
// `format` it is the table of a `--mapping FILE` (the CLI gives the format).
std::vector<Option<connectors::IngestSource>> IngestSourceOptions(
    bool with_name_and_format);
// Whole-element checks of an ingest source at `where` ("ingest.sources[0]";
// "" for a --mapping file). `named`: check the name too (config elements).
void ValidateIngestSource(const connectors::IngestSource& source,
                          const std::string& where, bool named,
                          ConfigErrors& errors);

// Parses a `--mapping FILE` text (a JSON object with the keys of an ingest
// source except name and format) for `format`. kInvalidArgument listing
// every problem, one per line, each naming its key ("fields.count: ...").
Result<connectors::IngestSource> MappingFromJsonText(
    std::string_view text, connectors::IngestSource::Format format);

namespace builders {

template <typename T>
concept HasCsvMapping = requires(T& t) {
  t.csv.delimiter;
};

// Appends the mapping keys listed in the header to `o`.
template <typename T>
void AddMappingOptions(std::vector<Option<T>>& o) {
  constexpr bool kCsv = HasCsvMapping<T>;
  auto non_empty = [](const std::string& s) -> std::optional<std::string> {
    if (s.empty()) return std::nullopt;
    return s;
  };
  o.push_back(StringOption<T>(
      {"records", "",
       "JSON: JSON Pointer to the records, an array (one record per element) "
       "or an object (one record); absent = the document root."},
      std::nullopt, [](T& t, const std::string& v) { t.json.records = v; },
      [non_empty](const T& t) { return non_empty(t.json.records); }));
  o.push_back(StringOption<T>(
      {"time", "",
       "JSON Pointer (JSON) or column (CSV) of the time; absent = the "
       "arrival time."},
      std::nullopt,
      [](T& t, const std::string& v) {
        t.json.time = v;
        if constexpr (kCsv) t.csv.time_column = v;
      },
      [non_empty](const T& t) { return non_empty(t.json.time); }));
  o.push_back(EnumOption<T>(
      {"time_format", "", "How the time is written."}, "rfc3339",
      {"rfc3339", "epoch_s", "epoch_ms", "epoch_ns"},
      [](T& t, const std::string& v) {
        t.json.time_format = connectors::ParseTimeFormat(v).value();
        if constexpr (kCsv) t.csv.time_format = t.json.time_format;
      },
      [](const T& t) {
        return std::string(connectors::TimeFormatName(t.json.time_format));
      }));
  {
    Option<T> fields;
    fields.info = InfoFrom(
        {"fields", "",
         "Field name -> source (JSON Pointer or CSV column), or {\"source\", "
         "\"type\"} with type float (default), int, bool or string."},
        "object", "name -> source or {\"source\", \"type\"}", std::nullopt);
    fields.set = [](const Json& value, const std::string& where, T& t,
                    ConfigErrors& errors) {
      auto parsed = ParseMappedFields(value, where, errors);
      if (!parsed) return;
      if constexpr (kCsv) t.csv.fields = *parsed;
      t.json.fields = std::move(*parsed);
    };
    fields.get = [](const T& t) { return MappedFieldsJson(t.json.fields); };
    o.push_back(std::move(fields));
  }
  {
    Option<T> tags;
    tags.info = InfoFrom({"tags", "", "Tag name -> source."},
                         "object of string", "name -> source", std::nullopt);
    tags.set = [](const Json& value, const std::string& where, T& t,
                  ConfigErrors& errors) {
      auto parsed = ParseMappedTags(value, where, errors);
      if (!parsed) return;
      if constexpr (kCsv) t.csv.tags = *parsed;
      t.json.tags = std::move(*parsed);
    };
    tags.get = [](const T& t) { return MappedTagsJson(t.json.tags); };
    o.push_back(std::move(tags));
  }
  if constexpr (kCsv) {
    o.push_back(EnumOption<T>(
        {"delimiter", "", "CSV: cell separator."}, ",", {",", ";", "\t"},
        [](T& t, const std::string& v) { t.csv.delimiter = v[0]; },
        [](const T& t) { return std::string(1, t.csv.delimiter); }));
    o.push_back(EnumOption<T>(
        {"decimal_separator", "", "CSV: decimal separator of float cells."},
        ".", {".", ","},
        [](T& t, const std::string& v) { t.csv.decimal_separator = v[0]; },
        [](const T& t) { return std::string(1, t.csv.decimal_separator); }));
    o.push_back(BoolOption<T>(
        {"header", "", "CSV: whether the first row names the columns."}, true,
        [](T& t, bool v) { t.csv.header = v; },
        [](const T& t) { return t.csv.header; }));
  }
}

}  // namespace builders
}  // namespace citynexus::app
