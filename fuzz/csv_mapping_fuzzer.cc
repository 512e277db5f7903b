// libFuzzer target: the mapped CSV decoder (POST /api/v1/ingest/{source},
// pollers).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/decoders/csv_mapping.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::connectors;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  DecodedBatch batch;
  // The first byte picks the dialect: delimiter, decimal separator, header.
  CsvMappingRule rule;
  const uint8_t pick = size > 0 ? data[0] : 0;
  rule.delimiter = ",;\t"[pick % 3];
  rule.decimal_separator = (pick & 4) ? ',' : '.';
  rule.header = (pick & 8) == 0;
  rule.measurement = "csv";
  if (rule.header) {
    rule.time_column = "time";
    rule.fields = {{"speed", "speed", MappedType::kFloat},
                   {"count", "count", MappedType::kInt},
                   {"open", "open", MappedType::kBool}};
    rule.tags = {{"id", "id"}};
  } else {
    rule.time_column = "1";
    rule.time_format = TimeFormat::kEpochSeconds;
    rule.fields = {{"speed", "2", MappedType::kFloat}};
    rule.tags = {{"id", "3"}};
  }
  if (rule.decimal_separator == rule.delimiter) rule.decimal_separator = '.';
  (void)DecodeMappedCsv(body.substr(size > 0 ? 1 : 0), rule,
                        1700000000000000000, &batch);
  (void)citynexus::fuzz::TouchBatch(batch);
  return 0;
}
