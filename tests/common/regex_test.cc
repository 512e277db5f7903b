#include "common/regex.h"

#include <catch2/catch.hpp>
#include <string>

namespace citynexus {
namespace {

TEST_CASE("regex search and full match follow RE2 (Go) syntax",
          "[common][regex]") {
  auto re = CompileRegex("^k(1|2)$");
  REQUIRE(re.has_value());
  CHECK((*re)->Search("k1"));
  CHECK_FALSE((*re)->Search("k3"));
  auto icase = CompileRegex("(?i)^abc");
  REQUIRE(icase.has_value());
  CHECK((*icase)->Search("ABCdef"));
  auto partial = CompileRegex("b+");
  REQUIRE(partial.has_value());
  CHECK((*partial)->Search("abba"));
  CHECK_FALSE((*partial)->FullMatch("abba"));
  CHECK((*partial)->FullMatch("bbb"));
}

TEST_CASE("regex over a 64 KB text does not recurse per character",
          "[common][regex]") {
  std::string text;
  for (int i = 0; i < 65536; ++i) text += (i % 2 ? 'b' : 'a');
  auto re = CompileRegex("^(a|b)*$");
  REQUIRE(re.has_value());
  CHECK((*re)->Search(text));
  CHECK((*re)->FullMatch(text));
  text.back() = 'c';
  CHECK_FALSE((*re)->Search(text));
}

TEST_CASE("regex rejects backreferences, lookaround and overlong patterns",
          "[common][regex]") {
  auto back = CompileRegex("(a)\\1");
  REQUIRE_FALSE(back.has_value());
  CHECK(back.error().code() == StatusCode::kInvalidArgument);
  CHECK(back.error().message().find("backreferences") != std::string::npos);
  auto ahead = CompileRegex("a(?!b)");
  REQUIRE_FALSE(ahead.has_value());
  CHECK(ahead.error().message().find("lookahead") != std::string::npos);
  auto behind = CompileRegex("(?<=a)b");
  REQUIRE_FALSE(behind.has_value());
  CHECK(behind.error().message().find("lookbehind") != std::string::npos);
  // An escaped backslash before a digit is a literal, not a backreference.
  CHECK(CompileRegex("a\\\\1").has_value());
  auto longer = CompileRegex(std::string(kMaxRegexPatternBytes + 1, 'a'));
  REQUIRE_FALSE(longer.has_value());
  CHECK(longer.error().message().find("longer than the limit") !=
        std::string::npos);
  auto bad = CompileRegex("(unclosed");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message().find("missing )") != std::string::npos);
  // A program over the memory budget fails to compile instead of growing.
  CHECK_FALSE(CompileRegex("((a{100}){100}){100}").has_value());
}

TEST_CASE("regex cache returns the same compile and stays bounded",
          "[common][regex]") {
  auto a = CompileRegex("cached-pattern-1");
  auto b = CompileRegex("cached-pattern-1");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->get() == b->get());
  for (size_t i = 0; i < kRegexCacheEntries * 2; ++i) {
    REQUIRE(CompileRegex("p" + std::to_string(i)).has_value());
  }
  CHECK(RegexCacheSize() <= kRegexCacheEntries);
}

}  // namespace
}  // namespace citynexus
