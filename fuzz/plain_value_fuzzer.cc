// libFuzzer target: the plain value decoder (an MQTT payload that is one
// number/bool).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/decoders/plain_value.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::connectors;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  DecodedBatch batch;
  const std::vector<DecodedTag> tags = {{"sensor", "s1"}, {"area", "a"}};
  PlainValueOptions options;
  options.measurement = "m";
  options.field = "value";
  options.tags = tags;
  options.timestamp_ns = 1700000000000000000;
  (void)DecodePlainValue(body, options, &batch);
  (void)citynexus::fuzz::TouchBatch(batch);
  return 0;
}
