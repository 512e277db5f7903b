// libFuzzer target: the indicator expression parser (PromQL-like; POST
// /api/v1/indicators/evaluate and indicator definitions).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "query/indicators/expr_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::query::indicators;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t error_pos = 0;
  auto expr = ParseExpr(text, &error_pos);
  if (!expr) {
    // The error position must lie inside (or just past) the input.
    if (error_pos > size) __builtin_trap();
    volatile size_t n = expr.error().message().size();
    (void)n;
  }
  return 0;
}
