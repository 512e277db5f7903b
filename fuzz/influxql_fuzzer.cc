// libFuzzer target: the InfluxQL lexer and parser (GET/POST /query), with
// a few bound parameters so $name substitution is reached.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "query/influxql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::query::influxql;
  static const Params params = {{"m", std::string("traffic")},
                                {"re", std::string("^k(1|2)$")},
                                {"n", int64_t{5}},
                                {"x", 1.5},
                                {"b", true}};
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto statements = ParseQuery(text, params);
  if (statements) {
    volatile size_t n = statements->size();
    (void)n;
  } else {
    volatile size_t n = statements.error().message().size();
    (void)n;
  }
  return 0;
}
