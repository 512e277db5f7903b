// Unit tests for common/glob.{h,cc}: measurement-name globs.
#include "common/glob.h"

#include <string>

#include <catch2/catch.hpp>

namespace citynexus {
namespace {

TEST_CASE("globs match whole names with star and question mark",
          "[common][glob]") {
  CHECK(GlobMatch("*", ""));
  CHECK(GlobMatch("*", "traffic"));
  CHECK(GlobMatch("traffic", "traffic"));
  CHECK_FALSE(GlobMatch("traffic", "traffic_count"));
  CHECK(GlobMatch("traffic*", "traffic"));
  CHECK(GlobMatch("traffic_*", "traffic_count"));
  CHECK_FALSE(GlobMatch("traffic_*", "traffic"));
  CHECK(GlobMatch("*_raw", "water_raw"));
  CHECK(GlobMatch("w?ter", "water"));
  CHECK_FALSE(GlobMatch("w?ter", "wter"));
  CHECK(GlobMatch("a*b*c", "aXXbYYc"));
  CHECK_FALSE(GlobMatch("a*b*c", "aXXbYY"));
  CHECK_FALSE(GlobMatch("traffic*", "env"));
  CHECK_FALSE(GlobMatch("", "x"));
}

TEST_CASE("a hostile glob over a long name finishes without recursion",
          "[common][glob]") {
  const std::string name(30000, 'a');
  CHECK_FALSE(GlobMatch("*a*a*a*a*a*a*a*b", name));
  CHECK(GlobMatch("*a*a*a*a*a*a*a*", name));
}

}  // namespace
}  // namespace citynexus
