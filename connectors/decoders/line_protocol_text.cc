#include "connectors/decoders/line_protocol_text.h"

#include <algorithm>
#include <cstddef>

namespace citynexus::connectors::line_protocol_internal {

// ---- UTF-8 ------------------------------------------------------------------
// Strict validation (no overlongs, no surrogates, max U+10FFFF), the same set
// Go's utf8.Valid accepts.
bool ValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t i = 2; i < n; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += n;
  }
  return true;
}

// ---- messages ---------------------------------------------------------------
// Appends byte `c` for an error message, escaping control and non-ASCII bytes.
void AppendShown(std::string* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
    case '\\':
      *out += '\\';
      *out += static_cast<char>(c);
      return;
    case '\n':
      *out += "\\n";
      return;
    case '\r':
      *out += "\\r";
      return;
    case '\t':
      *out += "\\t";
      return;
    default:
      break;
  }
  if (c < 32 || c >= 0x7f) {
    *out += "\\x";
    *out += kHex[c >> 4];
    *out += kHex[c & 15];
  } else {
    *out += static_cast<char>(c);
  }
}

// Quotes `s` for an error message; long tokens are cut so a hostile body
// cannot produce huge messages.
std::string Quote(std::string_view s) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  const size_t shown = std::min(s.size(), kMaxShown);
  for (size_t i = 0; i < shown; ++i) {
    AppendShown(&out, static_cast<unsigned char>(s[i]));
  }
  if (s.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

// "end of input", "end of line" or the quoted byte at `p`.
std::string DescribeChar(const char* p, const char* end) {
  if (p == end) return "end of input";
  if (*p == '\n') return "end of line";
  std::string out = "'";
  AppendShown(&out, static_cast<unsigned char>(*p));
  out += '\'';
  return out;
}

}  // namespace citynexus::connectors::line_protocol_internal
