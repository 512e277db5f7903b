// Regex::FullMatchGroups and NamedGroupIndex (common/regex.h), used by
// PromQL's label_replace.
#include <catch2/catch.hpp>

#include "common/regex.h"

namespace citynexus {
namespace {

TEST_CASE("regex: full match with capture groups") {
  auto re = CompileRegex("(?P<kind>[a-z]+)-(\\d+)(x)?");
  REQUIRE(re);
  CHECK((*re)->CapturingGroups() == 3);
  CHECK((*re)->NamedGroupIndex("kind") == 1);
  CHECK((*re)->NamedGroupIndex("none") == -1);
  std::vector<std::string_view> groups;
  REQUIRE((*re)->FullMatchGroups("road-42", &groups));
  REQUIRE(groups.size() == 4);
  CHECK(groups[0] == "road-42");
  CHECK(groups[1] == "road");
  CHECK(groups[2] == "42");
  CHECK(groups[3].empty());  // did not take part
  // Anchored at both ends: a match inside the text is not enough.
  CHECK_FALSE((*re)->FullMatchGroups("_road-42", &groups));
  CHECK_FALSE((*re)->FullMatchGroups("road-42y", &groups));
}

}  // namespace
}  // namespace citynexus
