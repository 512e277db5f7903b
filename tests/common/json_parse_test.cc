#include "common/json_parse.h"

#include <catch2/catch.hpp>
#include <string>

namespace citynexus {
namespace {

std::string Nested(int depth, char open = '[', char close = ']') {
  return std::string(static_cast<size_t>(depth), open) +
         std::string(static_cast<size_t>(depth), close);
}

TEST_CASE("JSON nesting depth counts brackets outside strings only",
          "[common][json]") {
  CHECK(JsonNestingDepth("1", 64) == 0);
  CHECK(JsonNestingDepth("[[1],{\"a\":[2]}]", 64) == 3);
  CHECK(JsonNestingDepth("[\"[[[[\\\"[[[\"]", 64) == 1);
  CHECK(JsonNestingDepth(Nested(100000), 64) == 65);  // stops early
}

TEST_CASE("JSON parsing accepts 64 levels and refuses 65 naming the limit",
          "[common][json]") {
  auto ok = ParseJsonLimited(Nested(64));
  REQUIRE(ok.has_value());
  auto deep = ParseJsonLimited(Nested(65));
  REQUIRE_FALSE(deep.has_value());
  CHECK(deep.error().code() == StatusCode::kInvalidArgument);
  CHECK(deep.error().message() ==
        "JSON nested deeper than the limit of 64 levels");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1";
  for (int i = 0; i < 100000; ++i) objects += "}";
  auto deep_objects = ParseJsonLimited(objects, kMaxJsonDepth, "body");
  REQUIRE_FALSE(deep_objects.has_value());
  CHECK(deep_objects.error().message().rfind("body: JSON nested", 0) == 0);
  auto broken = ParseJsonLimited("{\"a\":");
  REQUIRE_FALSE(broken.has_value());
  CHECK(broken.error().message().find("not valid JSON") != std::string::npos);
}

}  // namespace
}  // namespace citynexus
