#include "app/config/mapping_options.h"

#include <utility>

namespace citynexus::app {

using namespace builders;  // NOLINT: the table reads as a list of builders
using connectors::IngestSource;

std::optional<std::vector<connectors::MappedField>> ParseMappedFields(
    const Json& value, const std::string& where, ConfigErrors& errors) {
  if (!value.is_object() || value.empty()) {
    errors.Add(where,
               "expected an object of field name -> source, like "
               "{\"vehicles\": {\"source\": \"/counts/vehicles\", "
               "\"type\": \"int\"}}, got " +
                   Show(value));
    return std::nullopt;
  }
  std::vector<connectors::MappedField> fields;
  bool ok = true;
  for (const auto& [name, spec] : value.items()) {
    const std::string item = JoinPath(where, name);
    connectors::MappedField field;
    field.name = name;
    const Json* source = &spec;
    if (spec.is_object()) {
      for (const auto& [key, v] : spec.items()) {
        if (key != "source" && key != "type") {
          errors.Add(JoinPath(item, key),
                     "unknown key; expected \"source\" or \"type\"");
          ok = false;
        }
      }
      source = spec.contains("source") ? &spec["source"] : nullptr;
      if (spec.contains("type")) {
        const Json& type = spec["type"];
        const auto parsed = connectors::ParseMappedType(
            type.is_string() ? type.get_ref<const std::string&>() : "");
        if (parsed) {
          field.type = *parsed;
        } else {
          errors.Add(JoinPath(item, "type"),
                     "expected one of \"float\", \"int\", \"bool\", "
                     "\"string\", got " +
                         Show(type));
          ok = false;
        }
      }
    }
    if (source == nullptr || !source->is_string() ||
        source->get_ref<const std::string&>().empty()) {
      errors.Add(item,
                 "expected a source (JSON Pointer or CSV column) string or "
                 "{\"source\": ..., \"type\": ...}, got " +
                     Show(spec));
      ok = false;
      continue;
    }
    field.source = source->get<std::string>();
    fields.push_back(std::move(field));
  }
  if (!ok) return std::nullopt;
  return fields;
}

Json MappedFieldsJson(const std::vector<connectors::MappedField>& fields) {
  if (fields.empty()) return Json();
  Json out = Json::object();
  for (const connectors::MappedField& f : fields) {
    out[f.name] =
        Json{{"source", f.source},
             {"type", std::string(connectors::MappedTypeName(f.type))}};
  }
  return out;
}

std::optional<std::vector<connectors::MappedTag>> ParseMappedTags(
    const Json& value, const std::string& where, ConfigErrors& errors) {
  if (!value.is_object()) {
    errors.Add(where,
               "expected an object of tag name -> source, like "
               "{\"sensor\": \"/id\"}, got " +
                   Show(value));
    return std::nullopt;
  }
  std::vector<connectors::MappedTag> tags;
  bool ok = true;
  for (const auto& [name, source] : value.items()) {
    if (!source.is_string() || source.get_ref<const std::string&>().empty()) {
      errors.Add(JoinPath(where, name),
                 "expected a source (JSON Pointer or CSV column), got " +
                     Show(source));
      ok = false;
      continue;
    }
    tags.push_back({name, source.get<std::string>()});
  }
  if (!ok) return std::nullopt;
  return tags;
}

Json MappedTagsJson(const std::vector<connectors::MappedTag>& tags) {
  if (tags.empty()) return Json();
  Json out = Json::object();
  for (const connectors::MappedTag& t : tags) out[t.name] = t.source;
  return out;
}

std::vector<Option<IngestSource>> IngestSourceOptions(
    bool with_name_and_format) {
  using S = IngestSource;
  std::vector<Option<S>> o;
  if (with_name_and_format) {
    o.push_back(StringOption<S>(
        {"name", "",
         "Unique name: the {source} of POST /api/v1/ingest/{source}; "
         "letters, digits, '_', '-' and '.'."},
        std::nullopt, [](S& s, const std::string& v) { s.name = v; },
        [](const S& s) -> std::optional<std::string> {
          if (s.name.empty()) return std::nullopt;
          return s.name;
        }));
    o.push_back(EnumOption<S>(
        {"format", "", "Body format of the requests."}, "json", {"json", "csv"},
        [](S& s, const std::string& v) {
          s.format = v == "csv" ? S::Format::kCsv : S::Format::kJson;
        },
        [](const S& s) {
          return std::string(s.format == S::Format::kCsv ? "csv" : "json");
        }));
  }
  o.push_back(StringOption<S>(
      {"measurement", "", "Measurement of the points. Required."}, std::nullopt,
      [](S& s, const std::string& v) {
        s.json.measurement = v;
        s.csv.measurement = v;
      },
      [](const S& s) -> std::optional<std::string> {
        if (s.json.measurement.empty()) return std::nullopt;
        return s.json.measurement;
      }));
  AddMappingOptions(o);
  return o;
}

namespace {

bool IsSourceNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

}  // namespace

void ValidateIngestSource(const IngestSource& source, const std::string& where,
                          bool named, ConfigErrors& errors) {
  if (named) {
    if (source.name.empty()) {
      errors.Add(where + ".name", "expected a source name, got none");
    } else {
      for (char c : source.name) {
        if (!IsSourceNameChar(c)) {
          errors.Add(where + ".name",
                     "may hold only letters, digits, '_', '-' and '.' (it is "
                     "a URL path segment), got " +
                         Quote(source.name));
          break;
        }
      }
    }
  }
  const std::string measurement_where = JoinPath(where, "measurement");
  if (source.json.measurement.empty()) {
    errors.Add(measurement_where.empty() ? "measurement" : measurement_where,
               "required, got none");
    return;
  }
  Status rule;
  if (source.format == IngestSource::Format::kJson) {
    rule = connectors::ValidateJsonMappingRule(source.json);
  } else {
    if (!source.json.records.empty()) {
      errors.Add(JoinPath(where, "records"), "only for format \"json\"");
    }
    rule = connectors::ValidateCsvMappingRule(source.csv);
  }
  if (!rule.ok()) {
    errors.Add(where.empty() ? "mapping" : where, rule.message());
  }
}

Result<IngestSource> MappingFromJsonText(std::string_view text,
                                         IngestSource::Format format) {
  Json document;
  try {
    document = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("not JSON: ") + e.what());
  }
  static const std::vector<Option<IngestSource>> options =
      IngestSourceOptions(false);
  IngestSource source;
  source.format = format;
  ApplyDefaults(options, source);
  ConfigErrors errors;
  ApplyObject(document, "", "", options, source, errors);
  if (errors.empty()) ValidateIngestSource(source, "", false, errors);
  if (errors.empty()) return source;
  std::string message;
  for (const std::string& line : errors.lines()) {
    message += (message.empty() ? "" : "\n") + line;
  }
  return Status::InvalidArgument(std::move(message));
}

}  // namespace citynexus::app
