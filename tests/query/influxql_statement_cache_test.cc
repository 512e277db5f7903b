// StatementCache: repeated texts share one parse; parameters, errors and
// long texts bypass it; the number of stored texts is bounded.
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "query/influxql/statement_cache.h"

using namespace citynexus::query::influxql;

namespace {

const std::string kQ4 =
    "SELECT max(m3) FROM water_flow WHERE point = 'W0007' AND "
    "time >= '2024-01-01T00:00:00Z' AND time < '2024-01-02T00:00:00Z'";

TEST_CASE("statement cache shares the parse of a repeated text",
          "[query][influxql]") {
  StatementCache cache;
  auto a = cache.Parse(kQ4, {});
  REQUIRE(a.has_value());
  auto b = cache.Parse(kQ4, {});
  REQUIRE(b.has_value());
  CHECK(a->get() == b->get());  // the same parsed statements
  CHECK(cache.size() == 1);
  // The cached parse is the parse: same shape as a fresh one.
  auto fresh = ParseQuery(kQ4, {});
  REQUIRE(fresh.has_value());
  REQUIRE((*a)->size() == fresh->size());
  const auto& cached = std::get<SelectStatement>((**a)[0]);
  const auto& direct = std::get<SelectStatement>((*fresh)[0]);
  CHECK(cached.sources.size() == direct.sources.size());
  CHECK(cached.sources[0].name == "water_flow");
  CHECK(cached.fields.size() == direct.fields.size());
  // A different text (one character) is a different entry.
  auto c = cache.Parse(kQ4 + " ", {});
  REQUIRE(c.has_value());
  CHECK(c->get() != a->get());
  CHECK(cache.size() == 2);
}

TEST_CASE("statement cache skips bound parameters, errors and long texts",
          "[query][influxql]") {
  StatementCache cache;
  Params params;
  params["p"] = std::string("W0007");
  const std::string with_param =
      "SELECT max(m3) FROM water_flow WHERE point = $p";
  auto p1 = cache.Parse(with_param, params);
  REQUIRE(p1.has_value());
  auto p2 = cache.Parse(with_param, params);
  REQUIRE(p2.has_value());
  CHECK(p1->get() != p2->get());
  CHECK(cache.size() == 0);

  auto bad = cache.Parse("SELECT FROM", {});
  CHECK_FALSE(bad.has_value());
  auto bad_again = cache.Parse("SELECT FROM", {});
  CHECK_FALSE(bad_again.has_value());
  CHECK(cache.size() == 0);

  std::string long_text = "SELECT v FROM m WHERE t = '";
  long_text += std::string(StatementCache::kMaxTextBytes, 'x');
  long_text += "'";
  REQUIRE(cache.Parse(long_text, {}).has_value());
  CHECK(cache.size() == 0);
}

TEST_CASE("statement cache holds at most kMaxEntries texts",
          "[query][influxql]") {
  StatementCache cache;
  for (size_t i = 0; i < StatementCache::kMaxEntries + 50; ++i) {
    auto r = cache.Parse("SELECT v FROM m" + std::to_string(i), {});
    REQUIRE(r.has_value());
    CHECK(cache.size() <= StatementCache::kMaxEntries);
  }
  CHECK(cache.size() == StatementCache::kMaxEntries);
}

TEST_CASE("statement cache is safe from several threads", "[query][influxql]") {
  StatementCache cache;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        auto r = cache.Parse(
            "SELECT v FROM m" + std::to_string((i * 7 + t) % 300), {});
        if (!r || (*r)->size() != 1) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK(failures.load() == 0);
  CHECK(cache.size() <= StatementCache::kMaxEntries);
}

}  // namespace
