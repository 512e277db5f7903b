// libFuzzer target: the mapped JSON decoder (POST /api/v1/ingest/{source},
// pollers, MQTT).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/decoders/json_mapping.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::connectors;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  DecodedBatch batch;
  // A rule like the shipped examples: records array, RFC 3339 time, typed
  // fields and a tag.
  static const JsonMappingRule rule = [] {
    JsonMappingRule r;
    r.records = "/records";
    r.time = "/t";
    r.measurement = "mapped";
    r.fields = {{"speed", "/v/speed", MappedType::kFloat},
                {"count", "/count", MappedType::kInt},
                {"open", "/open", MappedType::kBool},
                {"state", "/state", MappedType::kString}};
    r.tags = {{"id", "/id"}};
    return r;
  }();
  (void)DecodeMappedJson(body, rule, 1700000000000000000, &batch);
  (void)citynexus::fuzz::TouchBatch(batch);
  return 0;
}
