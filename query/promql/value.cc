#include "query/promql/value.h"

#include <algorithm>

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
