// The integer column encoder sizes each transform without writing it and
// divides by the common divisor with a multiplicative inverse. The bytes on
// disk must not change: this test keeps the previous encoder (every
// transform fully written, the smallest kept, hardware division) as a
// reference and compares both outputs, byte for byte, on varied columns and
// every transform mask, then decodes the result.
#include "engine/codec_int_column.h"

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "engine/bit_stream.h"
#include "engine/coding.h"

namespace citynexus::engine {
namespace {

// ---- reference: the encoder as it was before sizing was separated ----

inline uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }
inline int64_t S(uint64_t v) { return static_cast<int64_t>(v); }
inline uint64_t UnsignedAbs(int64_t v) { return v < 0 ? 0 - U(v) : U(v); }

int64_t ReferenceMedianDelta(const int64_t* values, size_t count) {
  if (count < 2) return 0;
  std::vector<int64_t> deltas(count - 1);
  for (size_t i = 1; i < count; ++i) {
    deltas[i - 1] = S(U(values[i]) - U(values[i - 1]));
  }
  auto mid = deltas.begin() + static_cast<std::ptrdiff_t>(deltas.size() / 2);
  std::nth_element(deltas.begin(), mid, deltas.end());
  return *mid;
}

void ReferenceEncodeWithOrder(const int64_t* values, size_t count, int order,
                              std::string* out) {
  std::vector<int64_t> scratch(count);
  int64_t* t = scratch.data();
  int64_t slope = 0;
  size_t head = 0;
  if (order == 3) {
    slope = ReferenceMedianDelta(values, count);
    for (size_t i = 0; i < count; ++i) t[i] = S(U(values[i]) - i * U(slope));
  } else {
    for (size_t i = 0; i < count; ++i) t[i] = values[i];
    for (int o = 0; o < order; ++o) {
      for (size_t i = count; i-- > static_cast<size_t>(o) + 1;) {
        t[i] = S(U(t[i]) - U(t[i - 1]));
      }
    }
    head = std::min(static_cast<size_t>(order), count);
  }
  uint64_t divisor = 0;
  for (size_t i = head; i < count && divisor != 1; ++i) {
    divisor = std::gcd(divisor, UnsignedAbs(t[i]));
  }
  const bool has_divisor =
      divisor > 1 && divisor <= static_cast<uint64_t>(INT64_MAX);
  out->push_back(static_cast<char>(order | (has_divisor ? 0x04 : 0)));
  if (order == 3) PutVarint64(out, ZigZagEncode(slope));
  if (has_divisor) PutVarint64(out, divisor);
  for (size_t i = 0; i < head; ++i) PutVarint64(out, ZigZagEncode(t[i]));
  uint64_t packed[kIntColumnFrameSize];
  for (size_t start = head; start < count; start += kIntColumnFrameSize) {
    const size_t n = std::min(kIntColumnFrameSize, count - start);
    int64_t* q = t + start;
    if (has_divisor) {
      const int64_t d = static_cast<int64_t>(divisor);
      for (size_t i = 0; i < n; ++i) q[i] /= d;
    }
    int64_t lo = q[0], hi = q[0];
    for (size_t i = 1; i < n; ++i) {
      lo = std::min(lo, q[i]);
      hi = std::max(hi, q[i]);
    }
    const int width = std::bit_width(U(hi) - U(lo));
    out->push_back(static_cast<char>(width));
    PutVarint64(out, ZigZagEncode(lo));
    for (size_t i = 0; i < n; ++i) packed[i] = U(q[i]) - U(lo);
    PackBits(packed, n, width, out);
  }
}

std::string ReferenceEncode(const std::vector<int64_t>& values,
                            uint8_t orders) {
  std::string best;
  bool have_best = false;
  for (int order = 0; order <= 3; ++order) {
    if ((orders & (1u << order)) == 0) continue;
    std::string candidate;
    ReferenceEncodeWithOrder(values.data(), values.size(), order, &candidate);
    if (!have_best || candidate.size() < best.size()) {
      best.swap(candidate);
      have_best = true;
    }
  }
  return best;
}

// ---- columns ----

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

struct Column {
  std::string name;
  std::vector<int64_t> values;
};

std::vector<Column> VariedColumns(std::mt19937_64& rng) {
  std::vector<Column> columns;
  auto add = [&](std::string name, std::vector<int64_t> v) {
    columns.push_back({std::move(name), std::move(v)});
  };
  add("empty", {});
  add("one", {42});
  add("two", {-7, 9});
  add("three", {5, 5, 6});
  add("zeros", std::vector<int64_t>(300, 0));
  add("constant", std::vector<int64_t>(1000, 123456789));
  add("constant negative", std::vector<int64_t>(257, -1000));
  add("extremes", {kMin, kMax, kMin, 0, kMax, -1, 1, kMin});
  add("all INT64_MIN", std::vector<int64_t>(200, kMin));
  add("INT64_MIN and zero", {0, kMin, 0, kMin, kMin, 0, 0, kMin});
  add("powers of two", {1 << 20, -(1 << 21), 1 << 22, 3 << 20, 0});

  const int64_t second = 1'000'000'000;
  std::vector<int64_t> grid, jitter_s, jitter_ms, counter, counter10, noisy,
      small_noisy, negative, walk, large, step_grid, odd_divisor, mixed,
      descending;
  int64_t c = 0, w = 0;
  for (int64_t i = 0; i < 1500; ++i) {
    grid.push_back(1'717'200'000 * second + i * 60 * second);
    jitter_s.push_back(1'717'200'000 * second + i * 60 * second +
                       static_cast<int64_t>(rng() % 3 - 1) * second);
    jitter_ms.push_back(1'717'200'000 * second + i * 60 * second +
                        static_cast<int64_t>(rng() % 1001 - 500) * 1'000'000);
    c += static_cast<int64_t>(rng() % 40);
    counter.push_back(c);
    counter10.push_back(c * 10);
    noisy.push_back(static_cast<int64_t>(rng()));
    small_noisy.push_back(static_cast<int64_t>(rng() % 200) - 100);
    negative.push_back(-static_cast<int64_t>(rng() % 100000) * 1000 - 5);
    w += static_cast<int64_t>(rng() % 2001) - 1000;
    walk.push_back(w);
    large.push_back(static_cast<int64_t>(rng() % 2) == 0
                        ? kMax - static_cast<int64_t>(rng() % 1000)
                        : kMin + static_cast<int64_t>(rng() % 1000));
    step_grid.push_back(i * 7 * 1024);  // divisor 7 * 2^10 in deltas
    odd_divisor.push_back(static_cast<int64_t>(rng() % 5000 - 2500) * 999);
    mixed.push_back(i < 700 ? i * 3 : static_cast<int64_t>(rng() % 1000));
    descending.push_back(1'000'000 - i * 13);
  }
  add("regular grid (ns, 60 s)", grid);
  add("jitter whole seconds", jitter_s);
  add("jitter milliseconds", jitter_ms);
  add("counter", counter);
  add("counter by 10", counter10);
  add("noisy full range", noisy);
  add("noisy small", small_noisy);
  add("negative", negative);
  add("random walk", walk);
  add("large ranges at the extremes", large);
  add("grid step 7*1024", step_grid);
  add("multiples of 999", odd_divisor);
  add("mixed regimes", mixed);
  add("descending", descending);
  // A divisor that shrinks late: multiples of 3^10 then one of 3^2 only.
  std::vector<int64_t> late(400, 0);
  for (size_t i = 0; i < late.size(); ++i) {
    late[i] = static_cast<int64_t>(i) * 59049;
  }
  late[390] = 9;
  add("divisor shrinking late", late);
  // Frame sizes around the frame boundary.
  for (size_t n : {127u, 128u, 129u, 130u, 131u, 256u, 258u, 259u}) {
    std::vector<int64_t> v;
    for (size_t i = 0; i < n; ++i) v.push_back(static_cast<int64_t>(rng()));
    add("noisy n=" + std::to_string(n), v);
  }
  return columns;
}

TEST_CASE("integer column bytes are identical to the reference encoder",
          "[engine][codec]") {
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (const Column& column : VariedColumns(rng)) {
    INFO("column " << column.name);
    for (unsigned mask = 1; mask <= kIntOrderAll; ++mask) {
      INFO("mask " << mask);
      const auto orders = static_cast<uint8_t>(mask);
      std::string actual = "prefix";  // EncodeIntColumn appends
      EncodeIntColumn(column.values.data(), column.values.size(), orders,
                      &actual);
      REQUIRE(actual.substr(0, 6) == "prefix");
      actual.erase(0, 6);
      CHECK(actual == ReferenceEncode(column.values, orders));

      ByteCursor cursor(actual);
      std::vector<int64_t> decoded(column.values.size());
      REQUIRE(DecodeIntColumn(&cursor, decoded.size(), decoded.data()).ok());
      CHECK(cursor.remaining() == 0);
      CHECK(decoded == column.values);
    }
  }
}

}  // namespace
}  // namespace citynexus::engine
