// Unit tests for net/access.{h,cc}: scope parsing, and
// what anonymous, scoped and internal callers may do.
#include "net/access.h"

#include <catch2/catch.hpp>

namespace citynexus::net {
namespace {

TEST_CASE("scopes parse from text and print back", "[net][access]") {
  CHECK(Scope::Parse("admin").value().kind == Scope::Kind::kAdmin);
  auto read = Scope::Parse("read:traffic_*");
  REQUIRE(read.has_value());
  CHECK(read->kind == Scope::Kind::kRead);
  CHECK(read->glob == "traffic_*");
  CHECK(read->ToString() == "read:traffic_*");
  CHECK(Scope::Parse("write:*").value().ToString() == "write:*");
  CHECK(Scope::Parse("read:").error().code() == StatusCode::kInvalidArgument);
  CHECK(Scope::Parse("delete:*").error().message().find("read:<glob>") !=
        std::string::npos);
  CHECK_FALSE(Scope::Parse("Admin").has_value());
}

TEST_CASE("anonymous callers read only public measurements and get 401",
          "[net][access]") {
  auto anonymous = Access::Anonymous({"traffic_*", "weather"});
  CHECK_FALSE(anonymous->authenticated());
  CHECK(anonymous->CanRead("traffic_count"));
  CHECK(anonymous->CanRead("weather"));
  CHECK_FALSE(anonymous->CanRead("smart_meter"));
  CHECK_FALSE(anonymous->CanWrite("traffic_count"));
  CHECK_FALSE(anonymous->IsAdmin());
  CHECK_FALSE(anonymous->CanReadEverything());
  CHECK(anonymous->DenyStatus("admin").code() == StatusCode::kUnauthenticated);
}

TEST_CASE("token callers get their scopes plus public reads, and 403",
          "[net][access]") {
  auto token = Access::ForToken("t1", "gateway",
                                {Scope::Parse("write:traffic_*").value(),
                                 Scope::Parse("read:energy").value()},
                                {"weather"});
  CHECK(token->authenticated());
  CHECK(token->token_id() == "t1");
  CHECK(token->CanWrite("traffic_count"));
  CHECK_FALSE(token->CanWrite("energy"));
  CHECK(token->CanRead("energy"));
  CHECK(token->CanRead("weather"));
  CHECK_FALSE(token->CanRead("traffic_count"));
  CHECK_FALSE(token->IsAdmin());
  Status denied = token->DenyStatus("admin");
  CHECK(denied.code() == StatusCode::kPermissionDenied);
  CHECK(denied.message().find("gateway") != std::string::npos);

  auto reader =
      Access::ForToken("t2", "all", {Scope::Parse("read:*").value()}, {});
  CHECK(reader->CanReadEverything());
  CHECK_FALSE(reader->CanWrite("x"));
}

TEST_CASE("admin and internal callers may do everything; unset denies all",
          "[net][access]") {
  auto admin =
      Access::ForToken("t3", "root", {Scope::Parse("admin").value()}, {});
  CHECK(admin->IsAdmin());
  CHECK(admin->CanRead("anything"));
  CHECK(admin->CanWrite("anything"));
  CHECK(Access::Internal()->IsAdmin());
  const Access& none = Access::DenyAll();
  CHECK_FALSE(none.CanRead(""));
  CHECK_FALSE(none.CanRead("x"));
  CHECK_FALSE(none.IsAdmin());
}

}  // namespace
}  // namespace citynexus::net

TEST_CASE("ReadKey is equal exactly for equal read permissions",
          "[net][access]") {
  using citynexus::net::Access;
  using citynexus::net::Scope;
  auto read = [](std::string glob) {
    return Scope{Scope::Kind::kRead, std::move(glob)};
  };
  auto token = [](std::vector<Scope> scopes,
                  std::vector<std::string> anonymous = {}) {
    return Access::ForToken("id", "name", std::move(scopes),
                            std::move(anonymous));
  };
  // Order, duplicates, write scopes and names do not matter.
  CHECK(
      token({read("a"), read("b")})->ReadKey() ==
      token({read("b"), read("a"), read("a"), Scope{Scope::Kind::kWrite, "c"}})
          ->ReadKey());
  // Public reads count as reads.
  CHECK(token({read("a")}, {"pub"})->ReadKey() ==
        token({read("a"), read("pub")})->ReadKey());
  CHECK(Access::Anonymous({"pub"})->ReadKey() ==
        token({read("pub")})->ReadKey());
  // Everything-readers share one key.
  CHECK(Access::Internal()->ReadKey() == token({read("*")})->ReadKey());
  CHECK(token({Scope{Scope::Kind::kAdmin, ""}})->ReadKey() ==
        token({read("**")})->ReadKey());
  // Different globs differ, also when their concatenations would not.
  CHECK(token({read("a")})->ReadKey() != token({read("b")})->ReadKey());
  CHECK(token({read("a b")})->ReadKey() !=
        token({read("a"), read("b")})->ReadKey());
  CHECK(token({read("a 1:b")})->ReadKey() !=
        token({read("a"), read("b")})->ReadKey());
  CHECK(Access::Anonymous({})->ReadKey() != token({read("a")})->ReadKey());
}
