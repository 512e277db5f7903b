#include "common/numbers.h"

#include <charconv>
#include <cmath>

namespace citynexus {

std::optional<double> ParseDecimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || c == '-' || c == '+' ||
                    c == '.' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;  // "inf", "nan", hex, spaces
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   value, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace citynexus
