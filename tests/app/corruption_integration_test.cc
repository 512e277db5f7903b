// Damaged storage, end to end with the real binary: a chunk value is
// truncated directly in RocksDB (as a bad disk or a bug would leave it, past
// RocksDB's own block checksums), then `citynexus verify` must name the
// series and window, and a running `citynexus serve` must answer 500 for that
// series while serving the others.
#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "app/process_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using std::chrono::seconds;

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// Two float series on 2024-01-01, 12 points each, sealed and compacted.
void WriteStore(const std::string& dir, const std::string& data_dir) {
  const std::string input = dir + "/in.lp";
  {
    std::ofstream lp(input);
    const int64_t base = 1704067200LL * 1000000000LL;  // 2024-01-01T00:00Z
    for (int i = 0; i < 12; ++i) {
      const int64_t ts = base + i * 600LL * 1000000000LL;
      lp << "traffic,sensor=bad v=" << i << ".5 " << ts << "\n";
      lp << "traffic,sensor=good v=" << i << ".25 " << ts << "\n";
    }
  }
  const auto imported =
      testing::RunCitynexus({"import", "--data-dir", data_dir, input});
  INFO("import stderr: " << imported.err);
  REQUIRE(imported.exit_code == 0);
  const auto compacted =
      testing::RunCitynexus({"compact", "--data-dir", data_dir});
  INFO("compact stderr: " << compacted.err);
  REQUIRE(compacted.exit_code == 0);
}

// Truncates the last byte of every chunk of the series `canonical`, opening
// the store's RocksDB directly (no process may hold it). Returns how many
// chunks it damaged.
int DamageChunks(const std::string& data_dir, const std::string& canonical) {
  std::vector<std::string> names;
  rocksdb::DBOptions db_opts;
  REQUIRE(rocksdb::DB::ListColumnFamilies(db_opts, data_dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& name : names) {
    rocksdb::ColumnFamilyOptions cf;
    cf.compression = rocksdb::kNoCompression;
    descs.emplace_back(name, cf);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(db_opts, data_dir, descs, &handles, &raw);
  REQUIRE(s.ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  auto handle = [&](const std::string& name) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return handles[i];
    }
    FAIL("no column family " << name);
    return handles[0];
  };
  // `series` CF: 'k' ‖ canonical -> id (8 bytes big-endian), which is also
  // the prefix of the series' keys in `chunks` (docs/format/storage.md).
  std::string id;
  REQUIRE(
      db->Get(rocksdb::ReadOptions(), handle("series"), "k" + canonical, &id)
          .ok());
  REQUIRE(id.size() == 8);
  int damaged = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), handle("chunks")));
  std::vector<std::pair<std::string, std::string>> rewrites;
  for (it->Seek(id); it->Valid() && it->key().starts_with(id); it->Next()) {
    std::string value = it->value().ToString();
    REQUIRE(value.size() > 4);
    value.pop_back();
    rewrites.emplace_back(it->key().ToString(), std::move(value));
  }
  REQUIRE(it->status().ok());
  it.reset();
  for (const auto& [key, value] : rewrites) {
    REQUIRE(
        db->Put(rocksdb::WriteOptions(), handle("chunks"), key, value).ok());
    ++damaged;
  }
  REQUIRE(db->Flush(rocksdb::FlushOptions(), handles).ok());
  for (auto* h : handles) REQUIRE(db->DestroyColumnFamilyHandle(h).ok());
  REQUIRE(db->Close().ok());
  return damaged;
}

TEST_CASE(
    "verify names a damaged chunk's series and window; serve answers 500 "
    "for that series and 200 for the others",
    "[app][cli][storage][corruption][integration]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  WriteStore(dir.str(), data_dir);

  SECTION("an untouched store verifies clean") {
    const auto r = testing::RunCitynexus({"verify", "--data-dir", data_dir});
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(Has(r.out, "no damage found"));
    CHECK(!Has(r.out, "damaged chunk"));
    CHECK(Has(r.out, "checked 2 chunks"));
  }

  SECTION("a damaged chunk") {
    REQUIRE(DamageChunks(data_dir, "traffic{sensor=bad}#v") == 1);

    const auto r = testing::RunCitynexus({"verify", "--data-dir", data_dir});
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(Has(r.out,
              "damaged chunk: series traffic{sensor=bad}#v window "
              "2024-01-01T00:00:00Z..2024-01-02T00:00:00Z: chunk byte "));
    CHECK(!Has(r.out, "sensor=good"));
    CHECK(Has(r.out, "1 damaged"));

    testing::Citynexus serve(
        {"serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"});
    const auto log =
        serve.WaitForStderr(" listening on 127.0.0.1:", seconds(60));
    INFO("serve stderr: " << serve.Stderr());
    REQUIRE(log.has_value());
    const auto port = testing::ListeningPort(*log);
    REQUIRE(port.has_value());
    REQUIRE(serve.AdminToken().has_value());

    const std::string range =
        "&start=2024-01-01T00:00:00Z&end=2024-01-02T00:00:00Z";
    auto bad = testing::HttpRequest(
        *port, "GET",
        "/api/v1/query?measurement=traffic&field=v&tag.sensor=bad" + range);
    INFO("bad: " << bad.body);
    CHECK(bad.status == 500);
    CHECK(Has(bad.body, "traffic{sensor=bad}#v"));
    CHECK(Has(bad.body, "2024-01-01T00:00:00Z..2024-01-02T00:00:00Z"));
    auto good = testing::HttpRequest(
        *port, "GET",
        "/api/v1/query?measurement=traffic&field=v&tag.sensor=good" + range);
    INFO("good: " << good.body);
    CHECK(good.status == 200);
    CHECK(Has(good.body, "11.25"));

    // InfluxQL: the same split, per statement.
    const std::string q =
        "/query?db=x&q=SELECT%20v%20FROM%20traffic%20WHERE%20sensor%3D%27";
    bad = testing::HttpRequest(*port, "GET", q + "bad%27");
    INFO("influxql bad: " << bad.body);
    CHECK(bad.status == 500);
    CHECK(Has(bad.body, "traffic{sensor=bad}#v"));
    good = testing::HttpRequest(*port, "GET", q + "good%27");
    INFO("influxql good: " << good.body);
    CHECK(good.status == 200);
    CHECK(Has(good.body, "11.25"));

    // Still serving after the errors.
    CHECK(testing::HttpRequest(*port, "GET", "/healthz").status == 200);
  }
}

}  // namespace
}  // namespace citynexus::app
