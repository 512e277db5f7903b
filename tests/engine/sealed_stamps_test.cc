// SealedStamps (engine/sealed_stamps.h): sealed window timestamps as runs,
// and the overlap check that lets recent aggregates skip raw reads.
#include "engine/sealed_stamps.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

namespace citynexus::engine {
namespace {

constexpr int64_t kMin = 60'000'000'000;
constexpr int64_t kWindow = 1440 * kMin;
using Overlap = SealedStamps::Overlap;

std::vector<int64_t> Every(int64_t from, int64_t to, int64_t step) {
  std::vector<int64_t> out;
  for (int64_t t = from; t < to; t += step) out.push_back(t);
  return out;
}

TEST_CASE("sealed stamps: regular data is a few runs; the check is exact",
          "[engine][sealed_stamps]") {
  // Alternating 5-minute blocks, as two drifting writers leave them:
  // sealed holds the odd blocks of the first 10 hours.
  std::vector<int64_t> sealed;
  for (int64_t block = 1; block < 120; block += 2) {
    for (int64_t m = 0; m < 5; ++m) sealed.push_back((block * 5 + m) * kMin);
  }
  auto window = SealedStamps::MakeWindow(0, sealed);
  CHECK_FALSE(window.irregular);
  CHECK(window.runs.size() == 60);
  SealedStamps stamps(1 << 20);
  stamps.Update(7, std::move(window));
  std::vector<int64_t> even;
  for (int64_t block = 0; block < 120; block += 2) {
    for (int64_t m = 0; m < 5; ++m) even.push_back((block * 5 + m) * kMin);
  }
  CHECK(stamps.Check(7, 0, even) == Overlap::kNone);
  // Off the minute grid, inside a run's span: not sealed.
  CHECK(stamps.Check(7, 0, std::vector<int64_t>{5 * kMin + 1}) ==
        Overlap::kNone);
  // One rewrite of a sealed timestamp among the others is found.
  even.insert(std::lower_bound(even.begin(), even.end(), 57 * kMin), 57 * kMin);
  CHECK(stamps.Check(7, 0, even) == Overlap::kShared);
  CHECK(stamps.Check(7, 0, std::vector<int64_t>{599 * kMin}) ==
        Overlap::kShared);
  CHECK(stamps.Check(7, 0, std::vector<int64_t>{600 * kMin}) == Overlap::kNone);
  // Other windows and series are unknown, never "none".
  CHECK(stamps.Check(7, kWindow, std::vector<int64_t>{kWindow}) ==
        Overlap::kUnknown);
  CHECK(stamps.Check(8, 0, std::vector<int64_t>{0}) == Overlap::kUnknown);
  stamps.Forget(7);
  CHECK(stamps.Check(7, 0, even) == Overlap::kUnknown);
  CHECK(stamps.bytes() == 0);
}

TEST_CASE("sealed stamps: single points, replacement, and the bounds",
          "[engine][sealed_stamps]") {
  SealedStamps stamps(1 << 20);
  // Irregular spacing: runs of one and two points.
  std::vector<int64_t> odd = {3, 10, 11, 15, 40, 41, 42, 100};
  stamps.Update(1, SealedStamps::MakeWindow(0, odd));
  for (int64_t t = 0; t < 120; ++t) {
    const bool sealed = std::find(odd.begin(), odd.end(), t) != odd.end();
    INFO("t " << t);
    CHECK(stamps.Check(1, 0, std::vector<int64_t>{t}) ==
          (sealed ? Overlap::kShared : Overlap::kNone));
  }
  // A later seal of the same window replaces it (the merged chunk).
  stamps.Update(1, SealedStamps::MakeWindow(0, std::vector<int64_t>{50}));
  CHECK(stamps.Check(1, 0, std::vector<int64_t>{3}) == Overlap::kNone);
  CHECK(stamps.Check(1, 0, std::vector<int64_t>{50}) == Overlap::kShared);
  // Only the newest kWindowsPerSeries windows are kept.
  for (int64_t w = 1; w <= int64_t{SealedStamps::kWindowsPerSeries}; ++w) {
    stamps.Update(1, SealedStamps::MakeWindow(
                         w * kWindow, std::vector<int64_t>{w * kWindow}));
  }
  CHECK(stamps.Check(1, 0, std::vector<int64_t>{1}) == Overlap::kUnknown);
  CHECK(stamps.Check(1, kWindow, std::vector<int64_t>{kWindow + 1}) ==
        Overlap::kNone);
  // Too irregular to keep: unknown, even if an older version was kept.
  std::vector<int64_t> jitter;
  for (int64_t i = 0; i < 3 * int64_t{SealedStamps::kMaxRunsPerWindow}; ++i) {
    jitter.push_back(kWindow + i * 100 + (i * i) % 7);
  }
  auto irregular = SealedStamps::MakeWindow(kWindow, jitter);
  CHECK(irregular.irregular);
  stamps.Update(1, std::move(irregular));
  CHECK(stamps.Check(1, kWindow, std::vector<int64_t>{kWindow + 1}) ==
        Overlap::kUnknown);
  // Past the byte bound nothing new is kept.
  SealedStamps tiny(100);
  tiny.Update(2, SealedStamps::MakeWindow(0, Every(0, 1000, 1)));
  tiny.Update(3, SealedStamps::MakeWindow(0, odd));
  CHECK(tiny.Check(2, 0, std::vector<int64_t>{5000}) == Overlap::kNone);
  CHECK(tiny.Check(3, 0, std::vector<int64_t>{5000}) == Overlap::kUnknown);
  CHECK(tiny.bytes() <= 100);
}

}  // namespace
}  // namespace citynexus::engine
