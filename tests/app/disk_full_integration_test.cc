// A full disk under the real `citynexus serve`: the data dir lives on a
// small tmpfs. Writes get 503 + Retry-After naming the full disk, /healthz
// reports the storage degraded, reads keep answering, and after the tmpfs
// grows (mount -o remount,size=...) writes resume without a restart. Every
// acknowledged point is still there. Skips (with a warning) where mounting
// a tmpfs is not allowed (not root, no CAP_SYS_ADMIN).
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/serve_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using testing::HttpRequest;

// Mounted tmpfs, unmounted on destruction.
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    std::filesystem::create_directories(dir);
    const std::string options = "size=" + size;
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool Resize(const std::string& size) {
    const std::string options = "size=" + size;
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT,
                   options.c_str()) == 0;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

std::string Batch(int first, int count) {
  // Distinct timestamps on a few series: every acknowledged point counts.
  std::string lines;
  for (int i = first; i < first + count; ++i) {
    lines += "fill,s=" + std::to_string(i % 4) + " v=" + std::to_string(i) +
             "i,pad=\"" + std::string(200, 'x') + "\" " +
             std::to_string(1700000000LL + i) + "000000000\n";
  }
  return lines;
}

int64_t StoredCount(uint16_t port) {
  auto reply = HttpRequest(port, "GET",
                           "/query?db=city&q=SELECT%20count(v)%20FROM%20fill");
  if (reply.status != 200) return -1;
  const auto body = nlohmann::json::parse(reply.body);
  const auto& series = body["results"][0]["series"];
  if (series.is_null()) return 0;
  return series[0]["values"][0][1].get<int64_t>();
}

TEST_CASE(
    "a full disk refuses writes with 503, keeps reads, and recovers "
    "when space returns",
    "[app][hardening][diskfull][integration]") {
  testing::TempDir dir;
  Tmpfs tmpfs(dir.str() + "/mnt", "6m");
  if (!tmpfs.mounted()) {
    WARN("skipped: cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN)");
    return;
  }
  testing::ServeProcess serve(dir.str(), {{"storage", {{"sync", "always"}}}},
                              dir.str() + "/mnt/data");
  constexpr int kBatch = 200;
  int next = 0;
  int64_t acknowledged = 0;
  testing::HttpReply refused;
  // Fill the disk: at most ~60 MB of writes for a 6 MB tmpfs.
  for (int round = 0; round < 1200; ++round) {
    auto reply = HttpRequest(serve.port(), "POST", "/write?db=city",
                             Batch(next, kBatch));
    if (reply.status == 204) {
      acknowledged += kBatch;
      next += kBatch;
      continue;
    }
    refused = reply;
    break;
  }
  std::cerr << "[hostile] disk full after " << acknowledged
            << " acknowledged points -> " << refused.status
            << ", RSS after: " << serve.RssKiB() << " KiB\n";
  REQUIRE(refused.status == 503);
  CHECK(refused.headers["retry-after"] == "10");
  CHECK(refused.body.find("disk full") != std::string::npos);

  // Degraded, but reads answer, with every acknowledged point.
  auto health = HttpRequest(serve.port(), "GET", "/healthz");
  CHECK(health.status == 503);
  CHECK(health.body.find("storage degraded") != std::string::npos);
  CHECK(StoredCount(serve.port()) == acknowledged);
  // Still refused while full.
  CHECK(HttpRequest(serve.port(), "POST", "/write?db=city", Batch(next, 1))
            .status == 503);

  // Space returns: writes resume without a restart.
  REQUIRE(tmpfs.Resize("256m"));
  bool resumed = false;
  const auto give_up =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!resumed && std::chrono::steady_clock::now() < give_up) {
    auto reply = HttpRequest(serve.port(), "POST", "/write?db=city",
                             Batch(next, kBatch));
    if (reply.status == 204) {
      resumed = true;
      acknowledged += kBatch;
      next += kBatch;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  REQUIRE(resumed);
  CHECK(HttpRequest(serve.port(), "GET", "/healthz").status == 200);
  CHECK(StoredCount(serve.port()) == acknowledged);
  CHECK(serve.Healthy());
}

}  // namespace
}  // namespace citynexus::app
