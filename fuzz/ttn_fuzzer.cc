// libFuzzer target: the TTN (The Things Stack v3) uplink decoder and topic
// parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/decoders/ttn.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::connectors;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  DecodedBatch batch;
  DecodeTtnUplink(body, TtnOptions{}, &batch);
  (void)ParseTtnTopic(body);
  (void)citynexus::fuzz::TouchBatch(batch);
  return 0;
}
