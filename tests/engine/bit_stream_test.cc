// Tests of engine/bit_stream.{h,cc}: the LSB-first bit writer/reader and the
// fixed-width frame packer used by the chunk codec.
#include "engine/bit_stream.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace citynexus::engine {
namespace {

const uint8_t* Bytes(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

uint64_t Mask(int width) {
  return width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
}

TEST_CASE("bit writer puts the first bit in the lowest bit of byte 0",
          "[engine][bitstream]") {
  std::string out;
  BitWriter w(&out);
  w.WriteBit(true);
  w.WriteBit(false);
  w.Write(0b11, 2);
  w.Write(0xABC, 12);
  w.Finish();
  REQUIRE(out.size() == 2);
  // bits: 1,0,1,1 then 0xABC LSB-first -> byte0 = 0b1100'1101, byte1 = 0xAB
  CHECK(static_cast<uint8_t>(out[0]) == 0xCD);
  CHECK(static_cast<uint8_t>(out[1]) == 0xAB);
  CHECK(w.bits_written() == 16);
}

TEST_CASE("bit writer and reader round-trip random widths from 0 to 64",
          "[engine][bitstream]") {
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::vector<std::pair<uint64_t, int>> items;
  std::string out;
  BitWriter w(&out);
  for (int i = 0; i < 5000; ++i) {
    const int width = static_cast<int>(rng() % 65);
    const uint64_t v = rng() & Mask(width);
    items.emplace_back(v, width);
    w.Write(v | (width < 64 ? (rng() << width) : 0), width);  // junk above
  }
  w.Finish();
  BitReader r(Bytes(out), out.size());
  for (const auto& [v, width] : items) {
    uint64_t got = 0;
    REQUIRE(r.Read(width, &got));
    REQUIRE(got == v);
  }
  CHECK(r.bytes_consumed() == out.size());
}

TEST_CASE("bit reader refuses to read past the end and keeps its position",
          "[engine][bitstream]") {
  const std::string data("\xff\x01\x02", 3);
  BitReader r(Bytes(data), data.size());
  uint64_t v = 0;
  REQUIRE(r.Read(20, &v));
  CHECK(v == 0x201ff);
  CHECK_FALSE(r.Read(5, &v));
  CHECK(r.bit_position() == 20);
  REQUIRE(r.Read(4, &v));
  CHECK(v == 0);
  CHECK_FALSE(r.Read(1, &v));

  BitReader empty(nullptr, 0);
  CHECK_FALSE(empty.Read(1, &v));
  CHECK(empty.Read(0, &v));
}

TEST_CASE("pack and unpack round-trip every width and frame length",
          "[engine][bitstream]") {
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int width = 0; width <= 64; ++width) {
    for (size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{63},
                         size_t{128}, size_t{129}}) {
      std::vector<uint64_t> values(count);
      for (auto& v : values) v = rng() & Mask(width);
      std::string packed;
      PackBits(values.data(), count, width, &packed);
      REQUIRE(packed.size() == PackedBytes(count, width));
      // Unpack from an exactly-sized heap copy so ASan sees any overread.
      std::vector<uint8_t> exact(packed.begin(), packed.end());
      std::vector<uint64_t> got(count, 12345);
      UnpackBits(exact.data(), exact.size(), count, width, got.data());
      INFO("width " << width << " count " << count);
      REQUIRE(got == values);
    }
  }
}

TEST_CASE("unpack of all-ones values at width 56 to 64 keeps every bit",
          "[engine][bitstream]") {
  for (int width = 56; width <= 64; ++width) {
    std::vector<uint64_t> values(17, Mask(width));
    values[3] = 0;
    std::string packed;
    PackBits(values.data(), values.size(), width, &packed);
    std::vector<uint64_t> got(values.size());
    UnpackBits(Bytes(packed), packed.size(), got.size(), width, got.data());
    INFO("width " << width);
    CHECK(got == values);
  }
}

}  // namespace
}  // namespace citynexus::engine
