#include "query/promql/series_names.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

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

namespace {

// The Prometheus labels of one stored series, before the collision rule.
NamedSeries NameSeries(const engine::SeriesInfo& info) {
  NamedSeries s;
  s.id = info.id;
  s.labels.emplace_back(
      std::string(kMetricName),
      SanitizeMetricName(info.key.measurement + "_" + info.key.field));
  for (const auto& [k, v] : info.key.tags) {
    // A tag that sanitizes to __name__ or to another tag's name keeps the
    // first value; the collision rule keeps the series distinct.
    const std::string name = SanitizeLabelName(k);
    if (LabelValue(s.labels, name).empty()) SetLabel(s.labels, name, v);
  }
  return s;
}

// The collision rule: every series whose label set another one of `named`
// has gets `citynexus_series="<canonical key>"`. `infos[i]` is the stored
// series of `named[i]`.
void MarkCollisions(const std::vector<NamedSeries*>& named,
                    const std::vector<engine::SeriesInfo>& infos) {
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < named.size(); ++i) {
    by_key[LabelsKey(named[i]->labels)].push_back(i);
  }
  for (const auto& [key, indexes] : by_key) {
    if (indexes.size() < 2) continue;
    for (size_t i : indexes) {
      SetLabel(named[i]->labels, "citynexus_series", infos[i].key.Canonical());
    }
  }
}

bool ByLabels(const NamedSeries* a, const NamedSeries* b) {
  return a->labels < b->labels;
}

// The fields of the measurements `caller` may read, from the catalog index
// (no series decoded): visit(measurement, field, type of the field's first
// series, the measurement's summary with the tag keys present, filter for
// the measurement and field). `wanted` skips a measurement before its
// summary is read.
using FieldVisit = std::function<void(
    const std::string& measurement, const std::string& field,
    engine::ValueType first_type, const engine::SeriesSummary& summary,
    const engine::SeriesFilter& of_field)>;
Status ForEachReadableField(
    engine::Store& store, const net::Access& caller,
    const std::function<bool(const std::string&)>& wanted,
    const FieldVisit& visit) {
  for (const std::string& measurement : store.MeasurementNames()) {
    if (!wanted(measurement) || !caller.CanRead(measurement)) continue;
    engine::SeriesFilter filter;
    filter.measurement = measurement;
    CITYNEXUS_ASSIGN_OR_RETURN(
        auto summary,
        store.SummarizeSeries(filter, [](std::string_view) { return false; }));
    for (const auto& [field, type] : summary.fields) {
      filter.field = field;
      visit(measurement, field, type, summary, filter);
    }
  }
  return Status::Ok();
}

bool AnyMeasurement(const std::string&) { return true; }

}  // namespace

Status ForEachVisibleSeries(
    engine::Store& store, const net::Access& caller,
    const std::function<Result<bool>(const NamedSeries&)>& visit) {
  // Metric name -> the (measurement, field) pairs named so (several when
  // sanitizing makes names meet, e.g. "a.b" and "a_b"), from the index.
  std::map<std::string, std::vector<engine::SeriesFilter>> by_name;
  CITYNEXUS_RETURN_IF_ERROR(ForEachReadableField(
      store, caller, AnyMeasurement,
      [&](const std::string& measurement, const std::string& field,
          engine::ValueType, const engine::SeriesSummary&,
          const engine::SeriesFilter& of_field) {
        by_name[SanitizeMetricName(measurement + "_" + field)].push_back(
            of_field);
      }));
  for (const auto& [name, filters] : by_name) {
    // Collisions share the metric name, so one name's series suffice.
    std::vector<engine::SeriesInfo> infos;
    for (const engine::SeriesFilter& filter : filters) {
      for (engine::SeriesInfo& info : store.FindSeries(filter)) {
        if (info.type != engine::ValueType::kString) {
          infos.push_back(std::move(info));
        }
      }
    }
    std::vector<NamedSeries> named;
    named.reserve(infos.size());
    for (const auto& info : infos) named.push_back(NameSeries(info));
    std::vector<NamedSeries*> pointers;
    for (auto& s : named) pointers.push_back(&s);
    MarkCollisions(pointers, infos);
    std::sort(pointers.begin(), pointers.end(), ByLabels);
    for (const NamedSeries* s : pointers) {
      CITYNEXUS_ASSIGN_OR_RETURN(bool more, visit(*s));
      if (!more) return Status::Ok();
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> VisibleMetricNames(engine::Store& store,
                                                    const net::Access& caller) {
  std::set<std::string> names;
  CITYNEXUS_RETURN_IF_ERROR(ForEachReadableField(
      store, caller, AnyMeasurement,
      [&](const std::string& measurement, const std::string& field,
          engine::ValueType first_type, const engine::SeriesSummary&,
          const engine::SeriesFilter& of_field) {
        bool numeric = first_type != engine::ValueType::kString;
        if (!numeric) {
          // Types are per series: another series of the field may be
          // numeric.
          for (const engine::SeriesInfo& info : store.FindSeries(of_field)) {
            if (info.type != engine::ValueType::kString) {
              numeric = true;
              break;
            }
          }
        }
        if (numeric) {
          names.insert(SanitizeMetricName(measurement + "_" + field));
        }
      }));
  return std::vector<std::string>(names.begin(), names.end());
}

SeriesView SeriesView::Build(engine::Store& store, const net::Access& caller,
                             const IndicatorCatalog* catalog) {
  return SeriesView(store, caller, catalog);
}

const std::vector<NamedSeries>& SeriesView::all() const {
  if (all_) return *all_;
  std::vector<NamedSeries> view;
  // ForEachVisibleSeries fails only when the store does; the view then
  // holds what was read (the same as a failed catalog scan did before).
  (void)ForEachVisibleSeries(*store_, *caller_,
                             [&](const NamedSeries& s) -> Result<bool> {
                               view.push_back(s);
                               return true;
                             });
  for (const NamedSeries& s : Indicators()) view.push_back(s);
  std::sort(view.begin(), view.end(),
            [](const NamedSeries& a, const NamedSeries& b) {
              return a.labels < b.labels;
            });
  all_ = std::move(view);
  return *all_;
}

Result<std::vector<const NamedSeries*>> SeriesView::Select(
    const std::vector<LabelMatcher>& matchers) const {
  auto set = MatcherSet::Compile(matchers);
  if (!set) return set.error();
  std::vector<const NamedSeries*> out;
  if (!all_) {
    if (auto candidates = IndexedCandidates(matchers)) {
      for (const NamedSeries* s : *candidates) {
        if (set->Matches(s->labels)) out.push_back(s);
      }
      // Indicators carry only __name__ here; the evaluator applies the
      // other matchers to their evaluated series.
      for (const NamedSeries& s : Indicators()) {
        if (set->Matches(s.labels, true)) out.push_back(&s);
      }
      std::sort(out.begin(), out.end(), ByLabels);
      return out;
    }
  }
  for (const NamedSeries& s : all()) {
    if (set->Matches(s.labels, s.indicator != nullptr)) out.push_back(&s);
  }
  return out;
}

const std::vector<NamedSeries>& SeriesView::Indicators() const {
  if (indicators_) return *indicators_;
  indicators_.emplace();
  if (catalog_ == nullptr) return *indicators_;
  for (const IndicatorDefinition& def : catalog_->All()) {
    // The indicator service's own rule: a public indicator is readable by
    // anyone, any other needs read on every input measurement.
    if (!AuthorizeIndicator(def, *caller_).ok()) continue;
    NamedSeries s;
    s.indicator = &def;
    s.labels.emplace_back(std::string(kMetricName),
                          std::string(kIndicatorPrefix) + def.id);
    indicators_->push_back(std::move(s));
  }
  return *indicators_;
}

// A superset of the series `matchers` can select, read through the index.
// Two series that share a label set (the collision rule) always both belong
// to it, because it is chosen by labels only: by the metric name, every
// readable (measurement, field) whose name it is; by `label="v"`, the
// postings of the one tag key that sanitizes to `label` (all series of the
// measurement when several do).
std::optional<std::vector<const NamedSeries*>> SeriesView::IndexedCandidates(
    const std::vector<LabelMatcher>& matchers) const {
  const LabelMatcher* by_name = nullptr;
  for (const LabelMatcher& m : matchers) {
    // The collision label is no tag, so the index cannot narrow by it.
    if (m.label == "citynexus_series") return std::nullopt;
    if (m.label == kMetricName && m.op == MatchOp::kEqual) by_name = &m;
  }
  if (by_name == nullptr) return std::nullopt;
  const std::string& name = by_name->value;
  std::vector<engine::SeriesInfo> infos;
  // Sanitize maps characters one to one, so the measurement's part of the
  // name comes first.
  auto may_carry_name = [&](const std::string& measurement) {
    return name.starts_with(SanitizeMetricName(measurement) + "_");
  };
  Status st = ForEachReadableField(
      *store_, *caller_, may_carry_name,
      [&](const std::string& measurement, const std::string& field,
          engine::ValueType, const engine::SeriesSummary& summary,
          const engine::SeriesFilter& of_field) {
        if (SanitizeMetricName(measurement + "_" + field) != name) return;
        engine::SeriesFilter filter = of_field;
        for (const LabelMatcher& m : matchers) {
          if (m.op != MatchOp::kEqual || m.label == kMetricName ||
              m.value.empty()) {
            continue;
          }
          std::vector<std::string_view> keys;
          for (const auto& [key, values] : summary.tags) {
            if (SanitizeLabelName(key) == m.label) keys.push_back(key);
          }
          if (keys.empty()) return;  // the label is "" everywhere here
          if (keys.size() == 1) filter.tags.emplace_back(keys[0], m.value);
        }
        for (engine::SeriesInfo& info : store_->FindSeries(filter)) {
          if (info.type != engine::ValueType::kString) {
            infos.push_back(std::move(info));
          }
        }
      });
  if (!st.ok()) return std::nullopt;  // the scan reports the problem
  return Intern(std::move(infos));
}

std::vector<const NamedSeries*> SeriesView::Intern(
    std::vector<engine::SeriesInfo> infos) const {
  std::vector<const NamedSeries*> out;
  std::vector<NamedSeries*> fresh;
  std::vector<engine::SeriesInfo> fresh_infos;
  for (engine::SeriesInfo& info : infos) {
    auto it = by_id_.find(info.id);
    if (it != by_id_.end()) {
      out.push_back(it->second);
      continue;
    }
    interned_.push_back(NameSeries(info));
    NamedSeries* s = &interned_.back();
    by_id_.emplace(info.id, s);
    fresh.push_back(s);
    fresh_infos.push_back(std::move(info));
    out.push_back(s);
  }
  // A series interned by an earlier selector came with all its collision
  // partners (see IndexedCandidates), so only this call's new ones can
  // collide with each other.
  MarkCollisions(fresh, fresh_infos);
  return out;
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

}  // namespace citynexus::query::promql
