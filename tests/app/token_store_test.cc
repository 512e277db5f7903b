// TokenStore (app/auth/token_store.h): hashing at rest, verification,
// expiry, revocation seen by a second instance (the running server).
#include "app/auth/token_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

std::vector<net::Scope> Scopes(std::initializer_list<const char*> texts) {
  std::vector<net::Scope> out;
  for (const char* t : texts) out.push_back(net::Scope::Parse(t).value());
  return out;
}

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("tokens are random, hashed at rest and verified", "[app][auth]") {
  testing::TempDir dir;
  TokenStore store(dir.str());
  auto a = store.Create("a", Scopes({"read:*"}), std::nullopt);
  auto b = store.Create("b", Scopes({"write:x_*"}), std::nullopt);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->secret != b->secret);
  CHECK(a->info.id != b->info.id);
  CHECK(LooksLikeTokenSecret(a->secret));
  CHECK(a->info.sha256_hex == Sha256Hex(a->secret));
  const std::string text = FileText(store.path());
  CHECK(text.find(a->secret) == std::string::npos);
  CHECK(text.find(a->secret.substr(4)) == std::string::npos);
  CHECK(text.find(a->info.sha256_hex) != std::string::npos);
  const auto perms = std::filesystem::status(store.path()).permissions();
  CHECK((perms & std::filesystem::perms::group_all) ==
        std::filesystem::perms::none);
  CHECK((perms & std::filesystem::perms::others_all) ==
        std::filesystem::perms::none);

  auto v = store.Verify(b->secret);
  REQUIRE(v.has_value());
  CHECK(v->id == b->info.id);
  CHECK(v->scopes == Scopes({"write:x_*"}));
  auto wrong = store.Verify(b->secret + "x");
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().code() == StatusCode::kUnauthenticated);
  CHECK(wrong.error().message().find(b->secret) == std::string::npos);
  CHECK(store.HasAdmin().value() == false);
}

TEST_CASE("a second store instance sees creates and revokes at once",
          "[app][auth]") {
  testing::TempDir dir;
  TokenStore server(dir.str());  // the running server
  TokenStore cli(dir.str());     // `citynexus token` in another process
  auto t = cli.Create("t", Scopes({"admin"}), std::nullopt);
  REQUIRE(t.has_value());
  CHECK(server.Verify(t->secret).has_value());
  CHECK(server.HasAdmin().value());
  REQUIRE(cli.Revoke(t->info.id).ok());
  CHECK_FALSE(server.Verify(t->secret).has_value());
  CHECK(cli.Revoke(t->info.id).code() == StatusCode::kNotFound);
}

TEST_CASE("expired tokens are refused; last use is persisted lazily",
          "[app][auth]") {
  testing::TempDir dir;
  TokenStore store(dir.str());
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto old = store.Create("old", Scopes({"admin"}), now - 10);
  REQUIRE(old.has_value());
  auto v = store.Verify(old->secret);
  REQUIRE_FALSE(v.has_value());
  CHECK(v.error().code() == StatusCode::kUnauthenticated);
  CHECK(store.HasAdmin().value() == false);

  auto fresh = store.Create("fresh", Scopes({"read:*"}), std::nullopt);
  REQUIRE(fresh.has_value());
  REQUIRE(store.Verify(fresh->secret).has_value());
  REQUIRE(store.FlushLastUsed().ok());
  TokenStore other(dir.str());
  auto list = other.List();
  REQUIRE(list.has_value());
  bool seen = false;
  for (const auto& t : *list) {
    if (t.id == fresh->info.id) seen = t.last_used_s.has_value();
  }
  CHECK(seen);
}

TEST_CASE("bad input to Create is refused", "[app][auth]") {
  testing::TempDir dir;
  TokenStore store(dir.str());
  CHECK_FALSE(store.Create("", Scopes({"admin"}), std::nullopt).has_value());
  CHECK_FALSE(store.Create("x", {}, std::nullopt).has_value());
  CHECK_FALSE(
      store.Create(std::string(200, 'n'), Scopes({"admin"}), std::nullopt)
          .has_value());
}

}  // namespace citynexus::app

namespace citynexus::app {

// Every request re-checks tokens.json; a broken file must not write one
// warning per request (a flood that hides everything else in the log).
TEST_CASE("a broken token file is logged once, not on every verification",
          "[app][auth]") {
  testing::TempDir dir;
  TokenStore store(dir.str());
  auto a = store.Create("a", Scopes({"read:*"}), std::nullopt);
  REQUIRE(a.has_value());
  REQUIRE(store.Verify(a->secret).has_value());  // loaded while good
  std::ofstream(store.path(), std::ios::trunc) << "{ not json";

  // stderr (where the log goes) into a file for the duration.
  const std::string captured = dir.str() + "/stderr.txt";
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int fd = ::open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  ::dup2(fd, 2);
  int verified = 0;
  for (int i = 0; i < 50; ++i) verified += store.Verify(a->secret) ? 1 : 0;
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(fd);
  ::close(saved);

  CHECK(verified == 50);  // the last good copy keeps serving
  const std::string log = FileText(captured);
  INFO(log);
  size_t lines = 0;
  for (size_t at = log.find("token file unreadable"); at != std::string::npos;
       at = log.find("token file unreadable", at + 1)) {
    ++lines;
  }
  CHECK(lines == 1);
  CHECK(log.find(a->secret) == std::string::npos);
}

}  // namespace citynexus::app
