// See query_fixture_util.h.
#include "query/query_fixture_util.h"

#include <catch2/catch.hpp>
#include <optional>

#include "query/query.h"

namespace citynexus::testing {

StoreFixture::StoreFixture() {
  engine::StoreOptions options;
  options.data_dir = dir.str();
  auto opened = engine::OpenStore(options);
  REQUIRE(opened.has_value());
  store = std::move(*opened);
}

StoreFixture::~StoreFixture() { (void)store->Close(); }

InfluxQlFixture::InfluxQlFixture() {
  query::RegisterInfluxQlRoutes(router, *store, {});
  const auto a = Series("cpu", {{"host", "a"}, {"region", "eu"}}, "value");
  const auto a_idle = Series("cpu", {{"host", "a"}, {"region", "eu"}}, "idle");
  const auto b = Series("cpu", {{"host", "b"}, {"region", "us"}}, "value");
  const auto mem =
      Series("mem", {{"host", "a"}}, "used", engine::ValueType::kInt);
  Write({{a, kT0, 1.0},
         {a, kT0 + kMin, 3.0},
         {a, kT0 + 5 * kMin, 5.0},
         {a_idle, kT0, 50.0},
         {b, kT0, 10.0},
         {b, kT0 + 2 * kMin, 20.0},
         {mem, kT0, int64_t{100}},
         {mem, kT0 + kMin, int64_t{200}}});
}

engine::SeriesId StoreFixture::Series(
    const std::string& measurement,
    std::vector<std::pair<std::string, std::string>> tags,
    const std::string& field, engine::ValueType type) {
  engine::SeriesKey key{measurement, std::move(tags), field};
  key.SortTags();
  auto info = store->GetOrCreateSeries(key, type);
  REQUIRE(info.has_value());
  return info->id;
}

void StoreFixture::Write(std::vector<engine::Point> points) {
  auto r = store->Append(points);
  REQUIRE(r.has_value());
  REQUIRE(r->rejected.empty());
}

net::Response InfluxQlFixture::Send(net::Request req) {
  if (!req.access) req.access = net::Access::Internal();
  auto match = router.Find(req.method, "/query");
  REQUIRE(match.handler != nullptr);
  std::optional<net::Response> out;
  (*match.handler)(std::move(req), [&](net::Response r) { out = r; });
  REQUIRE(out.has_value());
  return *out;
}

std::string InfluxQlFixture::Query(
    const std::string& q,
    std::vector<std::pair<std::string, std::string>> extra) {
  net::Request req;
  req.method = "GET";
  req.path = "/query";
  req.query = {{"db", "citynexus"}, {"q", q}};
  for (auto& p : extra) req.query.push_back(std::move(p));
  net::Response r = Send(std::move(req));
  INFO(q << " -> " << r.body);
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/json");
  REQUIRE(!r.body.empty());
  CHECK(r.body.back() == '\n');
  return r.body.substr(0, r.body.size() - 1);
}

std::string One(const std::string& series) {
  return R"j({"results":[{"statement_id":0,"series":[)j" + series + "]}]}";
}

}  // namespace citynexus::testing
