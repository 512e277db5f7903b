// libFuzzer target: the SenML JSON decoder (RFC 8428; HTTP /api/v1/senml,
// MQTT).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/decoders/senml.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::connectors;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  DecodedBatch batch;
  SenmlOptions options;
  options.now_ns = 1700000000000000000;
  options.unit_tag = size % 2 == 0;
  DecodeSenml(body, options, &batch);
  (void)citynexus::fuzz::TouchBatch(batch);
  return 0;
}
