// Unit tests for common/numbers.{h,cc}: the one decimal number parser.
#include "common/numbers.h"

#include <catch2/catch.hpp>

namespace citynexus {
namespace {

TEST_CASE("decimal numbers parse whole, finite and without locale",
          "[common][numbers]") {
  CHECK(ParseDecimal("12") == 12.0);
  CHECK(ParseDecimal("-0.5") == -0.5);
  CHECK(ParseDecimal("1e-3") == 0.001);
  CHECK(ParseDecimal("99.9") == 99.9);
  CHECK_FALSE(ParseDecimal(""));
  CHECK_FALSE(ParseDecimal("1.5x"));
  CHECK_FALSE(ParseDecimal(" 1"));
  CHECK_FALSE(ParseDecimal("+1"));
  CHECK_FALSE(ParseDecimal("inf"));
  CHECK_FALSE(ParseDecimal("nan"));
  CHECK_FALSE(ParseDecimal("0x10"));
  CHECK_FALSE(ParseDecimal("1e999"));  // overflows a double
}

}  // namespace
}  // namespace citynexus
