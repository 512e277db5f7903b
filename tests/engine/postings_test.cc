// The series catalog's inverted index (engine/postings_index.h): Find() by
// tag equality, several matchers (intersection), regexes, negations that
// include series lacking the tag (InfluxQL/PromQL semantics), summaries, and
// series created while other threads query. Every answer is compared with a
// brute-force scan of all series.
#include <atomic>
#include <catch2/catch.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/series_catalog.h"
#include "store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

Status NoPersist(SeriesId, std::string_view) { return Status::Ok(); }

SeriesKey Key(std::string measurement,
              std::vector<std::pair<std::string, std::string>> tags,
              std::string field = "kwh") {
  SeriesKey key;
  key.measurement = std::move(measurement);
  key.tags = std::move(tags);
  key.SortTags();
  key.field = std::move(field);
  return key;
}

TagMatcher Eq(std::string key, std::string value) {
  return {std::move(key), TagMatcher::Op::kEqual, std::move(value), {}};
}
TagMatcher Ne(std::string key, std::string value) {
  return {std::move(key), TagMatcher::Op::kNotEqual, std::move(value), {}};
}
// Unanchored search (InfluxQL's =~); std::regex is fine for test patterns.
TagMatcher Re(std::string key, const std::string& pattern, bool negate) {
  auto re = std::make_shared<std::regex>(pattern);
  return {std::move(key),
          negate ? TagMatcher::Op::kNotMatch : TagMatcher::Op::kMatch, "",
          [re](std::string_view v) {
            return std::regex_search(v.begin(), v.end(), *re);
          }};
}

// The value of `key` in `info`, "" when the series lacks the tag.
std::string TagOf(const SeriesInfo& info, const std::string& key) {
  for (const auto& [k, v] : info.key.tags) {
    if (k == key) return v;
  }
  return "";
}

bool Holds(const TagMatcher& m, const std::string& v) {
  switch (m.op) {
    case TagMatcher::Op::kEqual:
      return v == m.value;
    case TagMatcher::Op::kNotEqual:
      return v != m.value;
    case TagMatcher::Op::kMatch:
      return m.matches(v);
    case TagMatcher::Op::kNotMatch:
      return !m.matches(v);
  }
  return false;
}

// Brute force: every series, checked field by field.
std::vector<SeriesId> Expected(const SeriesCatalog& catalog,
                               const SeriesFilter& f) {
  std::vector<SeriesId> out;
  catalog.ForEach([&](const SeriesInfo& info) {
    if (!f.measurement.empty() && info.key.measurement != f.measurement) return;
    if (!f.field.empty() && info.key.field != f.field) return;
    for (const auto& t : f.tags) {
      bool found = false;
      for (const auto& have : info.key.tags) found = found || have == t;
      if (!found) return;
    }
    for (const auto& m : f.matchers) {
      if (!Holds(m, TagOf(info, m.key))) return;
    }
    out.push_back(info.id);
  });
  return out;
}

std::vector<SeriesId> Ids(const std::vector<SeriesInfo>& found) {
  std::vector<SeriesId> out;
  for (const auto& s : found) out.push_back(s.id);
  return out;
}

// Meters m000..m059 in districts d0..d5; every 7th lacks the district tag;
// every 10th has a second field; a second measurement shares the tag keys.
void FillMeters(SeriesCatalog* catalog) {
  for (int i = 0; i < 60; ++i) {
    const std::string meter =
        std::string(i < 10 ? "m00" : "m0") + std::to_string(i);
    std::vector<std::pair<std::string, std::string>> tags = {{"meter", meter}};
    if (i % 7 != 0) tags.emplace_back("district", "d" + std::to_string(i % 6));
    REQUIRE(catalog->GetOrCreate(Key("energy", tags), ValueType::kFloat,
                                 NoPersist));
    if (i % 10 == 0) {
      REQUIRE(catalog->GetOrCreate(Key("energy", tags, "volts"),
                                   ValueType::kInt, NoPersist));
    }
    if (i % 3 == 0) {
      REQUIRE(catalog->GetOrCreate(Key("water", tags, "m3"), ValueType::kFloat,
                                   NoPersist));
    }
  }
}

TEST_CASE("postings answer equality, intersections and negations",
          "[engine][postings]") {
  SeriesCatalog catalog;
  FillMeters(&catalog);
  auto check = [&](SeriesFilter f) {
    INFO("measurement " << f.measurement << ", " << f.matchers.size()
                        << " matchers");
    CHECK(Ids(catalog.Find(f)) == Expected(catalog, f));
  };
  SeriesFilter f;
  f.measurement = "energy";
  f.matchers = {Eq("meter", "m054")};
  auto one = catalog.Find(f);
  REQUIRE(one.size() == 1);
  CHECK(TagOf(one[0], "meter") == "m054");
  check(f);

  f.matchers = {Eq("district", "d2"), Eq("meter", "m008")};
  CHECK(catalog.Find(f).size() == 1);
  check(f);
  f.matchers = {Eq("district", "d3"), Eq("meter", "m008")};  // disjoint
  CHECK(catalog.Find(f).empty());
  f.matchers = {Eq("district", "nowhere")};
  CHECK(catalog.Find(f).empty());
  f.matchers = {Eq("nokey", "x")};
  CHECK(catalog.Find(f).empty());

  // != and !~ include the series without a district (m000, m007, ...).
  f.matchers = {Ne("district", "d1")};
  auto ne = catalog.Find(f);
  check(f);
  bool lacking = false;
  for (const auto& s : ne) lacking = lacking || TagOf(s, "district").empty();
  CHECK(lacking);
  f.matchers = {Re("district", "^d[12]$", /*negate=*/true)};
  check(f);
  f.matchers = {Eq("district", "")};  // only the series lacking it
  auto none = catalog.Find(f);
  CHECK(!none.empty());
  for (const auto& s : none) CHECK(TagOf(s, "district").empty());
  check(f);
  f.matchers = {Ne("nokey", "x")};  // nobody has it: everyone matches
  CHECK(catalog.Find(f).size() == Expected(catalog, f).size());
  check(f);

  // Regexes visit the key's values; one that matches "" includes the
  // series without the tag, one that does not excludes them.
  f.matchers = {Re("meter", "5", false)};
  check(f);
  f.matchers = {Re("district", "^$|d4", false)};
  check(f);
  f.matchers = {Re("meter", "^m0[0-2]", false), Ne("district", "d0"),
                Re("district", "3", true)};
  check(f);

  // Field, tags (old form) and no measurement.
  f.field = "volts";
  f.matchers = {Ne("district", "d4")};
  check(f);
  SeriesFilter across;
  across.matchers = {Eq("meter", "m030")};
  CHECK(catalog.Find(across).size() == 3);  // energy kwh, volts, water m3
  check(across);
  across.tags = {{"district", "d0"}};
  check(across);
}

TEST_CASE("postings match a brute-force scan on random filters",
          "[engine][postings]") {
  SeriesCatalog catalog;
  FillMeters(&catalog);
  std::mt19937 rng(16);
  const std::vector<std::string> keys = {"meter", "district", "nokey"};
  const std::vector<std::string> values = {"m001", "m014", "d0", "d3", "", "x"};
  const std::vector<std::string> patterns = {"1", "^d[0-2]", "^$", "m0.5", "."};
  for (int round = 0; round < 300; ++round) {
    SeriesFilter f;
    if (rng() % 4 != 0) f.measurement = rng() % 2 ? "energy" : "water";
    if (rng() % 5 == 0) f.field = rng() % 2 ? "kwh" : "volts";
    const int n = static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      const std::string& key = keys[rng() % keys.size()];
      switch (rng() % 4) {
        case 0:
          f.matchers.push_back(Eq(key, values[rng() % values.size()]));
          break;
        case 1:
          f.matchers.push_back(Ne(key, values[rng() % values.size()]));
          break;
        default:
          f.matchers.push_back(
              Re(key, patterns[rng() % patterns.size()], rng() % 2 == 0));
      }
    }
    INFO("round " << round);
    CHECK(Ids(catalog.Find(f)) == Expected(catalog, f));
  }
}

TEST_CASE("summaries list tag keys, values and fields from the index",
          "[engine][postings]") {
  SeriesCatalog catalog;
  FillMeters(&catalog);
  SeriesFilter f;
  f.measurement = "energy";
  auto all =
      catalog.Summarize(f, [](std::string_view k) { return k == "district"; });
  REQUIRE(all.has_value());
  CHECK(all->series == 66);
  CHECK(all->tags.size() == 2);
  CHECK(all->tags.at("district") ==
        std::vector<std::string>{"d0", "d1", "d2", "d3", "d4", "d5"});
  CHECK(all->tags.at("meter").empty());  // not asked for
  CHECK(all->fields.at("kwh") == ValueType::kFloat);
  CHECK(all->fields.at("volts") == ValueType::kInt);

  // Restricted: only series lacking a district -> no district key at all.
  f.matchers = {Eq("district", "")};
  auto lacking = catalog.Summarize(f, [](std::string_view) { return true; });
  REQUIRE(lacking.has_value());
  CHECK(lacking->tags.count("district") == 0);
  CHECK(lacking->tags.at("meter").size() == 9);  // m000, m007, ... m056
  f.matchers = {Eq("meter", "m001")};
  auto one = catalog.Summarize(f, [](std::string_view) { return true; });
  REQUIRE(one.has_value());
  CHECK(one->series == 1);
  CHECK(one->tags.at("district") == std::vector<std::string>{"d1"});
  CHECK(one->fields.size() == 1);

  CHECK(catalog.MeasurementNames() ==
        std::vector<std::string>{"energy", "water"});
  CHECK_FALSE(catalog.Summarize(SeriesFilter{}, {}).has_value());
}

TEST_CASE("series created while others query are found once visible",
          "[engine][postings]") {
  SeriesCatalog catalog;
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 500;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        auto key = Key("meters", {{"meter", std::to_string(w * kPerWriter + i)},
                                  {"district", "d" + std::to_string(i % 5)}});
        if (!catalog.GetOrCreate(key, ValueType::kFloat, NoPersist)) ++bad;
      }
    });
  }
  std::thread reader([&] {
    size_t last = 0;
    while (!done.load()) {
      SeriesFilter f;
      f.measurement = "meters";
      f.matchers = {Eq("district", "d3")};
      auto found = catalog.Find(f);
      for (const auto& s : found) {
        if (TagOf(s, "district") != "d3") ++bad;
      }
      // Series only ever appear: the answer never shrinks.
      if (found.size() < last) ++bad;
      last = found.size();
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  reader.join();
  CHECK(bad == 0);
  SeriesFilter f;
  f.measurement = "meters";
  f.matchers = {Eq("district", "d3")};
  CHECK(catalog.Find(f).size() == kWriters * kPerWriter / 5);
  CHECK(Ids(catalog.Find(f)) == Expected(catalog, f));
}

TEST_CASE("the index is rebuilt from the catalog on reopen",
          "[engine][postings]") {
  ::citynexus::testing::TempDir dir;
  const auto options = testing::TestOptions(dir.str());
  {
    auto store = testing::OpenOrFail(options);
    for (int i = 0; i < 40; ++i) {
      REQUIRE(store->GetOrCreateSeries(
          Key("meters", {{"meter", "m" + std::to_string(i)},
                         {"district", "d" + std::to_string(i % 4)}}),
          ValueType::kFloat));
    }
  }
  auto store = testing::OpenOrFail(options);
  SeriesFilter f;
  f.measurement = "meters";
  f.matchers = {Eq("district", "d1"), Re("meter", "^m1", false)};
  auto found = store->FindSeries(f);
  std::set<std::string> meters;
  for (const auto& s : found) meters.insert(TagOf(s, "meter"));
  CHECK(meters == std::set<std::string>{"m1", "m13", "m17"});
  CHECK(store->MeasurementNames() == std::vector<std::string>{"meters"});
  auto summary = store->SummarizeSeries(
      f, [](std::string_view k) { return k == "district"; });
  REQUIRE(summary.has_value());
  CHECK(summary->series == 3);
  CHECK(summary->tags.at("district") == std::vector<std::string>{"d1"});
}

}  // namespace
}  // namespace citynexus::engine
