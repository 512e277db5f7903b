// engine/coding.h: the byte order of each helper, varint edge cases, and the
// cursor's errors with their byte offset.
#include "engine/coding.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace citynexus::engine {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST_CASE("fixed-width helpers write the byte order they name",
          "[engine][coding]") {
  std::string be;
  PutFixed64BE(&be, 0x0102030405060708ull);
  CHECK(be == Bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  CHECK(DecodeFixed64BE(be.data()) == 0x0102030405060708ull);
  std::string be32;
  PutFixed32BE(&be32, 0x0a0b0c0du);
  CHECK(be32 == Bytes({0x0a, 0x0b, 0x0c, 0x0d}));
  CHECK(DecodeFixed32BE(be32.data()) == 0x0a0b0c0du);
  std::string le;
  PutFixed64LE(&le, 0x0102030405060708ull);
  CHECK(le == Bytes({8, 7, 6, 5, 4, 3, 2, 1}));
  CHECK(DecodeFixed64LE(le.data()) == 0x0102030405060708ull);
}

TEST_CASE("sign flipping keeps numeric order as byte order",
          "[engine][coding]") {
  std::string a, b, c;
  PutFixed64BE(&a, FlipSign(-5));
  PutFixed64BE(&b, FlipSign(0));
  PutFixed64BE(&c, FlipSign(7));
  CHECK(a < b);
  CHECK(b < c);
  CHECK(UnflipSign(FlipSign(std::numeric_limits<int64_t>::min())) ==
        std::numeric_limits<int64_t>::min());
}

TEST_CASE("varints and zig-zag round-trip at the edges", "[engine][coding]") {
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128},
                     uint64_t{1} << 35, std::numeric_limits<uint64_t>::max()}) {
    std::string s;
    PutVarint64(&s, v);
    CHECK(s.size() <= 10);
    const char* p = s.data();
    uint64_t got = 0;
    REQUIRE(GetVarint64(&p, s.data() + s.size(), &got));
    CHECK(got == v);
    CHECK(p == s.data() + s.size());
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1},
                    std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    CHECK(ZigZagDecode(ZigZagEncode(v)) == v);
  }
  CHECK(ZigZagEncode(-1) == 1);
  CHECK(ZigZagEncode(1) == 2);
}

TEST_CASE("the cursor names the value and the byte offset of a problem",
          "[engine][coding]") {
  std::string data;
  PutVarint64(&data, 300);
  data += Bytes({0x80, 0x80});  // a varint cut short at byte 2
  ByteCursor cursor(data, "log record");
  uint64_t v = 0;
  REQUIRE(cursor.ReadVarint(&v).ok());
  CHECK(v == 300);
  const Status s = cursor.ReadVarint(&v);
  CHECK(s.code() == StatusCode::kCorruption);
  CHECK(s.message() == "log record byte 2: truncated varint");

  // Ten continuation bytes and more: overflows 64 bits.
  std::string overlong(10, static_cast<char>(0xff));
  overlong.push_back(0x01);
  ByteCursor over(overlong);
  CHECK(over.ReadVarint(&v).message() ==
        "chunk byte 0: varint overflows 64 bits");

  std::string prefixed;
  PutVarint64(&prefixed, 5);
  prefixed += "abc";
  ByteCursor short_string(prefixed);
  std::string_view bytes;
  CHECK(short_string.ReadLengthPrefixed(&bytes).message() ==
        "chunk byte 0: truncated string");
  ByteCursor fixed(std::string_view("1234567"));
  uint64_t f = 0;
  CHECK(fixed.ReadFixed64LE(&f).message() ==
        "chunk byte 0: truncated (expected 8 bytes)");
}

}  // namespace
}  // namespace citynexus::engine
