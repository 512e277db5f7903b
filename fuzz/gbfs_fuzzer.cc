// libFuzzer target: the GBFS station_status (+ station_information) decoder.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/decoders/gbfs.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::connectors;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  DecodedBatch batch;
  // The input is station_status, then (after a NUL byte, when present)
  // station_information, so the join of both documents is reached.
  const size_t nul = body.find(std::string_view("\0", 1));
  const std::string_view status = body.substr(0, nul);
  const std::string_view information =
      nul == std::string_view::npos ? std::string_view() : body.substr(nul + 1);
  GbfsOptions options;
  options.system_id = "fuzz";
  DecodeGbfsStationStatus(status, information, options, &batch);
  (void)citynexus::fuzz::TouchBatch(batch);
  return 0;
}
