// engine::PointFeed and PublishingStore: listeners see exactly the points an
// Append made durable (rejected ones left out), and nothing once
// unsubscribed; the wrapped store behaves as the store it wraps.
#include <catch2/catch.hpp>
#include <mutex>
#include <vector>

#include "engine/engine.h"
#include "engine/store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {
using testing::kT0;

struct Recorder {
  std::mutex mu;
  std::vector<Point> points;
  void operator()(std::span<const Point> batch) {
    std::lock_guard<std::mutex> lock(mu);
    points.insert(points.end(), batch.begin(), batch.end());
  }
};

TEST_CASE("PublishingStore publishes the durable points of each Append",
          "[engine][feed]") {
  testing::TempDir dir;
  PointFeed feed;
  auto store = PublishingStore(
      testing::OpenOrFail(testing::TestOptions(dir.str())), feed);
  const SeriesId flow =
      testing::MakeSeries(*store, "flow", "m3", ValueType::kFloat);
  const SeriesId count =
      testing::MakeSeries(*store, "traffic", "vehicles", ValueType::kInt);

  SECTION("without a listener nothing is published, and writes work") {
    CHECK_FALSE(feed.active());
    const std::vector<Point> points = {{flow, kT0, 1.5}};
    auto r = store->Append(points);
    REQUIRE(r.has_value());
    CHECK(r->written == 1);
    CHECK(testing::ReadAll(*store, flow).size() == 1);
  }

  SECTION("a listener gets written points in order, never rejected ones") {
    Recorder recorder;
    const uint64_t token = feed.Subscribe(
        [&recorder](std::span<const Point> batch) { recorder(batch); });
    CHECK(feed.active());
    const std::vector<Point> points = {
        {flow, kT0, 1.5},
        {flow, kT0 + 1, int64_t{7}},  // type conflict: rejected
        {count, kT0, int64_t{12}},
        {999999, kT0, 1.0},  // no such series: rejected
        {flow, kT0 + 2, 2.5}};
    auto r = store->Append(points);
    REQUIRE(r.has_value());
    CHECK(r->written == 3);
    REQUIRE(r->rejected.size() == 2);
    REQUIRE(recorder.points.size() == 3);
    CHECK(recorder.points[0].series == flow);
    CHECK(std::get<double>(recorder.points[0].value) == 1.5);
    CHECK(recorder.points[1].series == count);
    CHECK(std::get<int64_t>(recorder.points[1].value) == 12);
    CHECK(recorder.points[2].timestamp_ns == kT0 + 2);

    feed.Unsubscribe(token);
    CHECK_FALSE(feed.active());
    const std::vector<Point> later = {{flow, kT0 + 3, 3.5}};
    REQUIRE(store->Append(later).has_value());
    CHECK(recorder.points.size() == 3);
  }
  REQUIRE(store->Close().ok());
}

}  // namespace
}  // namespace citynexus::engine
