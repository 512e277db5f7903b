// libFuzzer target: the line protocol decoder (HTTP /write, MQTT, import).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connectors/decoders/line_protocol.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::connectors;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  LineProtocolOptions options;
  // The first byte picks a precision, so every unit's scaling is reached.
  if (size > 0) {
    options.precision = static_cast<Precision>(data[0] % 6);
    options.default_time_ns = 1700000000123456789;
  }
  DecodedBatch batch;
  DecodeLineProtocol(body, options, &batch);
  (void)citynexus::fuzz::TouchBatch(batch);
  return 0;
}
