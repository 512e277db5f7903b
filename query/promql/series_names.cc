#include "query/promql/series_names.h"

#include <algorithm>
#include <map>
#include <memory>

#include <re2/re2.h>

namespace citynexus::query::promql {
namespace {

std::string Sanitize(std::string_view name, bool allow_colon) {
  std::string out;
  out.reserve(name.size() + 1);
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                    c == '_' || (allow_colon && c == ':');
    out += ok && static_cast<unsigned char>(c) < 0x80 ? c : '_';
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) {
    out.insert(out.begin(), '_');
  }
  return out;
}

}  // namespace

std::string SanitizeMetricName(std::string_view name) {
  return Sanitize(name, true);
}
std::string SanitizeLabelName(std::string_view name) {
  return Sanitize(name, false);
}

SeriesView SeriesView::Build(engine::Store& store, const net::Access& caller) {
  SeriesView view;
  std::map<std::string, std::vector<size_t>> by_key;
  for (engine::SeriesInfo& info : store.FindSeries({})) {
    if (info.type == engine::ValueType::kString) continue;
    if (!caller.CanRead(info.key.measurement)) continue;
    NamedSeries s;
    s.id = info.id;
    s.labels.emplace_back(
        std::string(kMetricName),
        SanitizeMetricName(info.key.measurement + "_" + info.key.field));
    for (const auto& [k, v] : info.key.tags) {
      // A tag that sanitizes to __name__ or to another tag's name keeps the
      // first value; the collision rule below keeps the series distinct.
      const std::string name = SanitizeLabelName(k);
      if (LabelValue(s.labels, name).empty()) SetLabel(s.labels, name, v);
    }
    by_key[LabelsKey(s.labels)].push_back(view.series_.size());
    view.series_.push_back(std::move(s));
  }
  for (const auto& [key, indexes] : by_key) {
    if (indexes.size() < 2) continue;
    for (size_t i : indexes) {
      NamedSeries& s = view.series_[i];
      auto info = store.GetSeries(s.id);
      SetLabel(s.labels, "citynexus_series",
               info ? info->key.Canonical() : std::to_string(s.id));
    }
  }
  std::sort(view.series_.begin(), view.series_.end(),
            [](const NamedSeries& a, const NamedSeries& b) {
              return a.labels < b.labels;
            });
  return view;
}

Result<std::vector<const NamedSeries*>> SeriesView::Select(
    const std::vector<LabelMatcher>& matchers) const {
  std::vector<std::unique_ptr<RE2>> regexes(matchers.size());
  for (size_t i = 0; i < matchers.size(); ++i) {
    const auto& m = matchers[i];
    if (m.op != MatchOp::kRegexMatch && m.op != MatchOp::kRegexNotMatch) {
      continue;
    }
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(8 << 20);  // bounds what a client regex may cost
    regexes[i] = std::make_unique<RE2>("^(?:" + m.value + ")$", options);
    if (!regexes[i]->ok()) {
      return Status::InvalidArgument("bad regex \"" + m.value +
                                     "\" for label \"" + m.label +
                                     "\": " + regexes[i]->error());
    }
  }
  std::vector<const NamedSeries*> out;
  for (const NamedSeries& s : series_) {
    bool all = true;
    for (size_t i = 0; i < matchers.size() && all; ++i) {
      const auto& m = matchers[i];
      const std::string_view v = LabelValue(s.labels, m.label);
      switch (m.op) {
        case MatchOp::kEqual:
          all = v == m.value;
          break;
        case MatchOp::kNotEqual:
          all = v != m.value;
          break;
        case MatchOp::kRegexMatch:
          all = RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *regexes[i]);
          break;
        case MatchOp::kRegexNotMatch:
          all = !RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *regexes[i]);
          break;
      }
    }
    if (all) out.push_back(&s);
  }
  return out;
}

}  // namespace citynexus::query::promql
