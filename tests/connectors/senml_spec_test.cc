// SenML rules from RFC 8428 that an independent corpus found unenforced:
// a pack holds at least one record (section 4), one bver per pack (4.4),
// and vd is base64url without padding (4.3, RFC 4648 section 5).
#include <catch2/catch.hpp>
#include <string>

#include "connectors/decoded_util.h"
#include "connectors/decoders/senml.h"

namespace citynexus::connectors {
namespace {
using testing::Errors;

DecodedBatch Decode(std::string_view body) {
  SenmlOptions options;
  options.now_ns = 1'700'000'000'000'000'000;
  DecodedBatch batch;
  DecodeSenml(body, options, &batch);
  return batch;
}

TEST_CASE("senml: an empty pack is an error, not an empty success",
          "[connectors][senml][spec]") {
  auto batch = Decode("[]");
  CHECK(batch.lines.empty());
  REQUIRE(batch.errors.size() == 1);
  CHECK(Errors(batch).find("at least one record") != std::string::npos);
}

TEST_CASE("senml: records with a different bver than the pack's are rejected",
          "[connectors][senml][spec]") {
  auto batch = Decode(R"([{"bver":10,"n":"a","v":1,"t":1e9},
                          {"bver":10,"n":"b","v":2,"t":1e9},
                          {"bver":5,"n":"c","v":3,"t":1e9},
                          {"n":"d","v":4,"t":1e9}])");
  // a and b are stored; c carries the foreign bver; d inherits c's
  // invalid base (as for every base field) and is rejected too.
  CHECK(batch.lines.size() == 2);
  REQUIRE(batch.errors.size() == 2);
  CHECK(batch.errors[0].ToString().find("differs from bver 10") !=
        std::string::npos);
  CHECK(batch.errors[1].ToString().find("since record") != std::string::npos);
}

TEST_CASE("senml: vd accepts base64url without padding only",
          "[connectors][senml][spec]") {
  // "hello" is aGVsbG8 (no padding); "\xfb\xff" is -_8 in base64url.
  auto good = Decode(R"([{"n":"a","vd":"aGVsbG8","t":1e9},
                         {"n":"b","vd":"-_8","t":1e9},
                         {"n":"c","vd":"","t":1e9}])");
  CHECK(good.errors.empty());
  CHECK(good.lines.size() == 3);
  auto bad = Decode(R"([{"n":"a","vd":"aGVsbG8=","t":1e9},
                        {"n":"b","vd":"+/8","t":1e9},
                        {"n":"c","vd":"abcde","t":1e9},
                        {"n":"d","vd":"a b","t":1e9}])");
  CHECK(bad.lines.empty());
  REQUIRE(bad.errors.size() == 4);
  CHECK(bad.errors[0].ToString().find("padding") != std::string::npos);
  CHECK(bad.errors[1].ToString().find("base64 \"+\"") != std::string::npos);
  CHECK(bad.errors[2].ToString().find("length 1 mod 4") != std::string::npos);
  CHECK(bad.errors[3].ToString().find("contains") != std::string::npos);
}

}  // namespace
}  // namespace citynexus::connectors
