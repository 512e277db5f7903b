// Series identity and value-type helpers declared in engine/engine.h.
#include <algorithm>

#include "engine/engine.h"
#include "engine/series_key_internal.h"

namespace citynexus::engine {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kFloat:
      return "float";
    case ValueType::kInt:
      return "integer";
    case ValueType::kBool:
      return "boolean";
    case ValueType::kString:
      return "string";
  }
  return "unknown";
}

ValueType TypeOf(const Value& value) {
  switch (value.index()) {
    case 0:
      return ValueType::kFloat;
    case 1:
      return ValueType::kInt;
    case 2:
      return ValueType::kBool;
    default:
      return ValueType::kString;
  }
}

void SeriesKey::SortTags() {
  std::stable_sort(tags.begin(), tags.end(), [](const auto& a, const auto& b) {
    return a.first < b.first;
  });
}

namespace {

// Characters with a meaning in the canonical form; escaped inside names.
constexpr std::string_view kSpecial = "{}=,#\\";

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
}

// Reads an escaped name up to one of `stops` (unescaped). Advances `pos`.
std::string ReadName(std::string_view text, size_t& pos,
                     std::string_view stops) {
  std::string out;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '\\' && pos + 1 < text.size()) {
      out.push_back(text[pos + 1]);
      pos += 2;
      continue;
    }
    if (stops.find(c) != std::string_view::npos) break;
    out.push_back(c);
    ++pos;
  }
  return out;
}

}  // namespace

std::string_view CanonicalMeasurementPart(std::string_view canonical) {
  size_t pos = 0;
  while (pos < canonical.size()) {
    if (canonical[pos] == '\\') {
      pos += 2;
      continue;
    }
    if (canonical[pos] == '{') break;
    ++pos;
  }
  return canonical.substr(0, std::min(pos, canonical.size()));
}

std::string EscapeCanonicalName(std::string_view measurement) {
  std::string out;
  AppendEscaped(out, measurement);
  return out;
}

std::string SeriesKey::Canonical() const {
  std::string out;
  out.reserve(measurement.size() + field.size() + 2 + tags.size() * 16);
  AppendEscaped(out, measurement);
  out.push_back('{');
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendEscaped(out, tags[i].first);
    out.push_back('=');
    AppendEscaped(out, tags[i].second);
  }
  out.push_back('}');
  out.push_back('#');
  AppendEscaped(out, field);
  return out;
}

Result<SeriesKey> SeriesKey::Parse(std::string_view canonical) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bad series key \"" +
                                   std::string(canonical) +
                                   "\": " + std::string(why));
  };
  SeriesKey key;
  size_t pos = 0;
  key.measurement = ReadName(canonical, pos, "{");
  if (pos >= canonical.size()) return bad("missing '{'");
  ++pos;  // '{'
  while (pos < canonical.size() && canonical[pos] != '}') {
    std::string k = ReadName(canonical, pos, "=}");
    if (pos >= canonical.size() || canonical[pos] != '=') {
      return bad("tag without '='");
    }
    ++pos;
    std::string v = ReadName(canonical, pos, ",}");
    key.tags.emplace_back(std::move(k), std::move(v));
    if (pos < canonical.size() && canonical[pos] == ',') ++pos;
  }
  if (pos >= canonical.size()) return bad("missing '}'");
  ++pos;  // '}'
  if (pos >= canonical.size() || canonical[pos] != '#') {
    return bad("missing '#' before the field");
  }
  ++pos;
  key.field = ReadName(canonical, pos, "");
  if (key.measurement.empty()) return bad("empty measurement");
  if (key.field.empty()) return bad("empty field");
  return key;
}

}  // namespace citynexus::engine
