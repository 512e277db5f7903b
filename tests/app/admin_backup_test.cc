#include "app/cmd/admin_backup.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <future>

#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

net::Response Call(const net::Router& router, net::Request request) {
  const auto match = router.Find("POST", "/api/v1/admin/backup");
  REQUIRE(match.handler != nullptr);
  std::promise<net::Response> answer;
  (*match.handler)(std::move(request), [&answer](net::Response r) {
    answer.set_value(std::move(r));
  });
  return answer.get_future().get();
}

TEST_CASE("only loopback peers count as local", "[app][backup]") {
  CHECK(IsLoopbackPeer("127.0.0.1:53312"));
  CHECK(IsLoopbackPeer("127.8.9.10:1"));
  CHECK(IsLoopbackPeer("[::1]:4000"));
  CHECK_FALSE(IsLoopbackPeer("10.0.0.7:4000"));
  CHECK_FALSE(IsLoopbackPeer("192.168.1.2:80"));
  CHECK_FALSE(IsLoopbackPeer(""));
}

TEST_CASE("the admin backup endpoint checks its caller and body, then backs up",
          "[app][backup]") {
  testing::TempDir dir;
  engine::StoreOptions options;
  options.data_dir = dir.str() + "/data";
  auto store = engine::OpenStore(options);
  REQUIRE(store.has_value());
  {
    AdminBackup backups(**store);
    net::Router router;
    backups.RegisterRoutes(router);

    net::Request anonymous;  // no token: 401 before anything else
    anonymous.remote_address = "127.0.0.1:5555";
    anonymous.body = R"({"to": "/tmp/x"})";
    CHECK(Call(router, anonymous).status == 401);

    net::Request remote;
    remote.access = net::Access::Internal();
    remote.remote_address = "10.1.2.3:5555";
    remote.body = R"({"to": "/tmp/x"})";
    CHECK(Call(router, remote).status == 403);

    net::Request relative;
    relative.access = net::Access::Internal();
    relative.remote_address = "127.0.0.1:5555";
    relative.body = R"({"to": "relative/dir"})";
    CHECK(Call(router, relative).status == 400);

    net::Request good;
    good.access = net::Access::Internal();
    good.remote_address = "127.0.0.1:5555";
    good.body = R"({"to": ")" + dir.str() + R"(/backup"})";
    const net::Response r = Call(router, good);
    INFO(r.body);
    CHECK(r.status == 200);
    CHECK(std::filesystem::exists(dir.str() + "/backup/CURRENT"));

    // The target now exists: the engine refuses to overwrite it.
    CHECK(Call(router, good).status != 200);
    backups.Stop();
    CHECK(Call(router, good).status == 503);
  }
  REQUIRE((*store)->Close().ok());
}

}  // namespace
}  // namespace citynexus::app
