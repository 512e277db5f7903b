// Unit tests for common/suggest.{h,cc}: the one "did you mean" rule.
#include "common/suggest.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace citynexus {
namespace {

TEST_CASE("did-you-mean suggests only plausible typos", "[common][suggest]") {
  const std::vector<std::string> names = {"unit", "name", "population"};
  CHECK(ClosestName("unt", names) == "unit");
  CHECK(ClosestName("populaton", names) == "population");
  CHECK(ClosestName("NAME", names) == "name");  // case-insensitive
  CHECK_FALSE(ClosestName("xyz", names));
  CHECK_FALSE(ClosestName("a", names));
  CHECK(EditDistance("threads", "thraeds") == 1);  // adjacent swap
}

}  // namespace
}  // namespace citynexus
