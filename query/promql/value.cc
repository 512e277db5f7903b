#include "query/promql/value.h"

#include <algorithm>
#include <cctype>

namespace citynexus::query::promql {

std::string_view LabelValue(const Labels& labels, std::string_view name) {
  for (const auto& [k, v] : labels) {
    if (k == name) return v;
  }
  return {};
}

void SetLabel(Labels& labels, std::string_view name, std::string_view value) {
  auto it = std::lower_bound(
      labels.begin(), labels.end(), name,
      [](const auto& pair, std::string_view n) { return pair.first < n; });
  if (it != labels.end() && it->first == name) {
    it->second = std::string(value);
  } else {
    labels.insert(it, {std::string(name), std::string(value)});
  }
}

void DeleteLabel(Labels& labels, std::string_view name) {
  std::erase_if(labels, [&](const auto& pair) { return pair.first == name; });
}

namespace {
bool IsValidName(std::string_view name, bool colon) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        !(colon && c == ':')) {
      return false;
    }
  }
  return true;
}
}  // namespace

bool IsValidLabelName(std::string_view name) {
  return IsValidName(name, false);
}
bool IsValidMetricName(std::string_view name) {
  return IsValidName(name, true);
}

std::string LabelsKey(const Labels& labels) {
  std::string key;
  for (const auto& [k, v] : labels) {
    key += k;
    key += '\xff';
    key += v;
    key += '\xfe';
  }
  return key;
}

}  // namespace citynexus::query::promql
