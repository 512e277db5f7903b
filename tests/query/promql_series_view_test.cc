// SeriesView resolves a selector with an exact metric name through the
// catalog index; these tests check that it selects exactly what a scan of
// every visible series selects, including the collision rule, tag keys that
// sanitize to one label, unreadable measurements and string series.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "net/access.h"
#include "query/promql/parser.h"
#include "query/promql/series_names.h"
#include "support/temp_dir.h"

namespace citynexus {
namespace {

using query::promql::NamedSeries;
using query::promql::SeriesView;

class ViewFixture {
 public:
  ViewFixture() {
    engine::StoreOptions options;
    options.data_dir = dir_.str();
    store_ = std::move(engine::OpenStore(options).value());
  }
  void Add(const std::string& measurement, const std::string& field,
           std::vector<std::pair<std::string, std::string>> tags,
           engine::ValueType type = engine::ValueType::kFloat) {
    engine::SeriesKey key{measurement, std::move(tags), field};
    key.SortTags();
    REQUIRE(store_->GetOrCreateSeries(key, type));
  }
  engine::Store& store() { return *store_; }

 private:
  testing::TempDir dir_;
  std::unique_ptr<engine::Store> store_;
};

// The label sets `selector` selects, read through the index (a fresh view)
// and by a scan (a view whose all() was read first).
std::pair<std::vector<query::promql::Labels>,
          std::vector<query::promql::Labels>>
IndexedAndScanned(engine::Store& store, const net::Access& caller,
                  const std::string& selector) {
  auto node = query::promql::ParseSeriesSelector(selector);
  REQUIRE(node);
  auto labels_of = [](const std::vector<const NamedSeries*>& series) {
    std::vector<query::promql::Labels> out;
    for (const NamedSeries* s : series) out.push_back(s->labels);
    return out;
  };
  const SeriesView indexed = SeriesView::Build(store, caller);
  auto a = indexed.Select((*node)->matchers);
  REQUIRE(a);
  const SeriesView scanned = SeriesView::Build(store, caller);
  (void)scanned.all();
  auto b = scanned.Select((*node)->matchers);
  REQUIRE(b);
  return {labels_of(*a), labels_of(*b)};
}

TEST_CASE("promql series view: the index selects what a scan selects",
          "[query][promql]") {
  ViewFixture f;
  for (int i = 0; i < 50; ++i) {
    f.Add("meters", "kwh",
          {{"district", "d" + std::to_string(i % 5)},
           {"meter", "m" + std::to_string(i)}});
  }
  // "a.b" and "a_b" both name a_b_c: the collision rule applies, with and
  // without a tag matcher.
  f.Add("a.b", "c", {{"x", "1"}});
  f.Add("a_b", "c", {{"x", "1"}});
  f.Add("a_b", "c", {{"x", "2"}});
  // Two tag keys that sanitize to k_1: the first ("k.1") gives the label.
  f.Add("m", "v", {{"k.1", "a"}, {"k_1", "b"}});
  f.Add("m", "v", {{"k_1", "c"}});
  // A measurement named with a leading digit, a string series, a secret.
  f.Add("1st", "v", {{"s", "x"}});
  f.Add("meters", "label", {{"meter", "m1"}}, engine::ValueType::kString);
  f.Add("secret", "kwh", {{"meter", "m1"}});
  f.Add("meters_x", "kwh", {{"meter", "m1"}});

  const auto internal = net::Access::Internal();
  const auto reader =
      net::Access::ForToken("t1", "reader",
                            {net::Scope{net::Scope::Kind::kRead, "meters*"},
                             net::Scope{net::Scope::Kind::kRead, "a*"}},
                            {});
  const std::vector<std::string> selectors = {
      "meters_kwh",
      "meters_kwh{meter=\"m7\"}",
      "meters_kwh{meter=\"m7\",district=\"d2\"}",
      "meters_kwh{meter=\"m7\",district=\"d3\"}",
      "meters_kwh{district=\"d1\",meter!=\"m6\"}",
      "meters_kwh{meter=\"\"}",
      "meters_kwh{nosuchlabel=\"v\"}",
      "meters_kwh{meter=~\"m1.*\"}",
      "meters_label",
      "meters_x_kwh",
      "a_b_c",
      "a_b_c{x=\"1\"}",
      "a_b_c{x=\"2\"}",
      "m_v{k_1=\"a\"}",
      "m_v{k_1=\"b\"}",
      "m_v{k_1=\"c\"}",
      "_1st_v",
      "_1st_v{s=\"x\"}",
      "secret_kwh",
      "no_such_metric",
      "{__name__=\"meters_kwh\",meter=\"m3\"}",
  };
  for (const auto* caller : {internal.get(), reader.get()}) {
    for (const std::string& selector : selectors) {
      INFO(selector << " as "
                    << (caller == internal.get() ? "admin" : "reader"));
      auto [indexed, scanned] = IndexedAndScanned(f.store(), *caller, selector);
      CHECK(indexed == scanned);
    }
  }
  // Spot checks that the cases above are what they claim to be.
  auto [one, _1] =
      IndexedAndScanned(f.store(), *internal, "meters_kwh{meter=\"m7\"}");
  CHECK(one.size() == 1);
  auto [collided, _2] =
      IndexedAndScanned(f.store(), *internal, "a_b_c{x=\"1\"}");
  REQUIRE(collided.size() == 2);
  CHECK(query::promql::LabelValue(collided[0], "citynexus_series") !=
        query::promql::LabelValue(collided[1], "citynexus_series"));
  // Selecting by the collision label itself (a label no tag carries).
  const std::string by_key =
      "a_b_c{citynexus_series=\"" +
      std::string(query::promql::LabelValue(collided[0], "citynexus_series")) +
      "\"}";
  auto [picked, picked_by_scan] =
      IndexedAndScanned(f.store(), *internal, by_key);
  CHECK(picked.size() == 1);
  CHECK(picked == picked_by_scan);
  auto [alone, _3] = IndexedAndScanned(f.store(), *internal, "a_b_c{x=\"2\"}");
  REQUIRE(alone.size() == 1);
  CHECK(query::promql::LabelValue(alone[0], "citynexus_series").empty());
  auto [first_key, _4] =
      IndexedAndScanned(f.store(), *internal, "m_v{k_1=\"a\"}");
  CHECK(first_key.size() == 1);
  auto [hidden, _5] = IndexedAndScanned(f.store(), *reader, "secret_kwh");
  CHECK(hidden.empty());
}

TEST_CASE("promql series view: one series is one pointer across selectors",
          "[query][promql]") {
  ViewFixture f;
  f.Add("meters", "kwh", {{"meter", "m1"}});
  f.Add("meters", "kwh", {{"meter", "m2"}});
  const auto caller = net::Access::Internal();
  const SeriesView view = SeriesView::Build(f.store(), *caller);
  auto all = query::promql::ParseSeriesSelector("meters_kwh");
  auto one = query::promql::ParseSeriesSelector("meters_kwh{meter=\"m2\"}");
  REQUIRE(all);
  REQUIRE(one);
  auto a = view.Select((*one)->matchers);
  auto b = view.Select((*all)->matchers);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a->size() == 1);
  REQUIRE(b->size() == 2);
  CHECK((*a)[0] == (*b)[1]);
}

}  // namespace
}  // namespace citynexus

namespace citynexus {
namespace {

TEST_CASE("promql series view: the walk and the metric names match all()",
          "[query][promql]") {
  ViewFixture f;
  for (int i = 0; i < 30; ++i) {
    f.Add("meters", "kwh", {{"meter", "m" + std::to_string(i)}});
  }
  f.Add("a.b", "c", {{"x", "1"}});
  f.Add("a_b", "c", {{"x", "1"}});
  f.Add("Zone", "v", {{"Area", "n"}});
  // A field whose first series holds strings and a later one numbers, and
  // one that holds only strings.
  f.Add("mixed", "v", {{"s", "1"}}, engine::ValueType::kString);
  f.Add("mixed", "v", {{"s", "2"}}, engine::ValueType::kInt);
  f.Add("mixed", "note", {{"s", "1"}}, engine::ValueType::kString);
  f.Add("secret", "v", {{"s", "1"}});
  const auto reader =
      net::Access::ForToken("t1", "reader",
                            {net::Scope{net::Scope::Kind::kRead, "meters"},
                             net::Scope{net::Scope::Kind::kRead, "a*"},
                             net::Scope{net::Scope::Kind::kRead, "mixed"},
                             net::Scope{net::Scope::Kind::kRead, "Zone"}},
                            {});
  for (const auto& caller : {net::Access::Internal(), reader}) {
    const SeriesView view = SeriesView::Build(f.store(), *caller);
    std::vector<query::promql::Labels> expected;
    std::set<std::string> expected_names;
    for (const NamedSeries& s : view.all()) {
      expected.push_back(s.labels);
      expected_names.insert(std::string(
          query::promql::LabelValue(s.labels, query::promql::kMetricName)));
    }
    std::vector<query::promql::Labels> walked;
    REQUIRE(query::promql::ForEachVisibleSeries(
                f.store(), *caller,
                [&](const NamedSeries& s) -> Result<bool> {
                  walked.push_back(s.labels);
                  return true;
                })
                .ok());
    // The walk goes name by name; all() orders by the whole label set.
    std::sort(walked.begin(), walked.end());
    CHECK(walked == expected);
    auto names = query::promql::VisibleMetricNames(f.store(), *caller);
    REQUIRE(names);
    CHECK(std::set<std::string>(names->begin(), names->end()) ==
          expected_names);
  }
  auto names =
      query::promql::VisibleMetricNames(f.store(), *net::Access::Internal());
  REQUIRE(names);
  CHECK(std::count(names->begin(), names->end(), "mixed_v") == 1);
  CHECK(std::count(names->begin(), names->end(), "mixed_note") == 0);
  CHECK(std::count(names->begin(), names->end(), "secret_v") == 1);
}

}  // namespace
}  // namespace citynexus
