#include "query/promql/series_names.h"

#include <algorithm>
#include <map>
#include <memory>

#include "common/regex.h"

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

SeriesView SeriesView::Build(engine::Store& store, const net::Access& caller,
                             const IndicatorCatalog* catalog) {
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
  if (catalog != nullptr) {
    for (const IndicatorDefinition& def : catalog->All()) {
      // The indicator service's own rule: a public indicator is readable by
      // anyone, any other needs read on every input measurement.
      if (!AuthorizeIndicator(def, caller).ok()) continue;
      NamedSeries s;
      s.indicator = &def;
      s.labels.emplace_back(std::string(kMetricName),
                            std::string(kIndicatorPrefix) + def.id);
      view.series_.push_back(std::move(s));
    }
  }
  std::sort(view.series_.begin(), view.series_.end(),
            [](const NamedSeries& a, const NamedSeries& b) {
              return a.labels < b.labels;
            });
  return view;
}

struct MatcherSet::Compiled {
  LabelMatcher matcher;
  std::shared_ptr<const Regex> regex;
};

// Prometheus anchors matcher regexes as ^(?:re)$; wrapping (rather than a
// full-match call on the bare text) keeps its exact parse, e.g. of `a|b`.
Result<std::shared_ptr<const Regex>> CompileAnchored(std::string_view re) {
  return CompileRegex("^(?:" + std::string(re) + ")$");
}

Result<MatcherSet> MatcherSet::Compile(
    const std::vector<LabelMatcher>& matchers) {
  MatcherSet set;
  for (const auto& m : matchers) {
    auto c = std::make_shared<Compiled>();
    c->matcher = m;
    if (m.op == MatchOp::kRegexMatch || m.op == MatchOp::kRegexNotMatch) {
      // common/regex.h bounds the pattern length and program size and
      // caches compiles across requests.
      auto regex = CompileAnchored(m.value);
      if (!regex) {
        return Status::InvalidArgument("bad regex \"" + m.value +
                                       "\" for label \"" + m.label +
                                       "\": " + regex.error().message());
      }
      c->regex = std::move(*regex);
    }
    set.matchers_.push_back(std::move(c));
  }
  return set;
}

bool MatcherSet::Matches(const Labels& labels, bool only_name) const {
  for (const auto& c : matchers_) {
    const LabelMatcher& m = c->matcher;
    if (only_name && m.label != kMetricName) continue;
    const std::string_view v = LabelValue(labels, m.label);
    bool ok = false;
    switch (m.op) {
      case MatchOp::kEqual:
        ok = v == m.value;
        break;
      case MatchOp::kNotEqual:
        ok = v != m.value;
        break;
      case MatchOp::kRegexMatch:
        ok = c->regex->FullMatch(v);
        break;
      case MatchOp::kRegexNotMatch:
        ok = !c->regex->FullMatch(v);
        break;
    }
    if (!ok) return false;
  }
  return true;
}

Result<std::vector<const NamedSeries*>> SeriesView::Select(
    const std::vector<LabelMatcher>& matchers) const {
  auto set = MatcherSet::Compile(matchers);
  if (!set) return set.error();
  std::vector<const NamedSeries*> out;
  for (const NamedSeries& s : series_) {
    if (set->Matches(s.labels, s.indicator != nullptr)) out.push_back(&s);
  }
  return out;
}

}  // namespace citynexus::query::promql
