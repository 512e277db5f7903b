// Byte tables of the line protocol decoder: which bytes may stand unescaped
// in each kind of token, and what a backslash escape stands for. constexpr
// tables, so the decoder's one-lookup-per-byte loops stay inline.
//
// Internal to connectors/decoders/line_protocol*.cc. Thread-safety:
// immutable.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace citynexus::connectors::line_protocol_internal {

// Which bytes may appear unescaped in each kind of token. The sets match the
// Go reference decoder: control bytes (0-31, 127) end every token except a
// quoted string, so tabs and stray CRs are errors rather than data.
enum ByteClass : uint8_t {
  // The two token classes leave out `\`, which TakeToken handles after its
  // one-lookup-per-byte loop stops at it.
  kMeasurementByte = 1,  // not `,` ` ` `\` or control
  kKeyByte = 2,  // tag key, tag value, field key: not `,` `=` ` ` `\`, ctrl
  kFieldValueByte = 4,  // unquoted field value: not `,` ` ` CR LF
  kCommentByte = 8,     // not control
  kTimeByte = 16,       // `-` and digits
};

constexpr bool IsControl(unsigned c) { return c < 32 || c == 0x7f; }

constexpr std::array<uint8_t, 256> MakeByteClasses() {
  std::array<uint8_t, 256> t{};
  for (unsigned c = 0; c < 256; ++c) {
    uint8_t m = 0;
    const bool token = !IsControl(c) && c != ',' && c != ' ' && c != '\\';
    if (token) m |= kMeasurementByte;
    if (token && c != '=') m |= kKeyByte;
    if (c != ',' && c != ' ' && c != '\r' && c != '\n') m |= kFieldValueByte;
    if (!IsControl(c)) m |= kCommentByte;
    if (c == '-' || (c >= '0' && c <= '9')) m |= kTimeByte;
    t[c] = m;
  }
  return t;
}
inline constexpr std::array<uint8_t, 256> kByteClass = MakeByteClasses();

// Escape tables: for the byte after a backslash, the byte it stands for, or 0
// when the backslash is literal (e.g. `a\b` keeps its backslash, and `\\` is
// NOT an escape outside string values, as in InfluxDB).
using EscapeTable = std::array<uint8_t, 256>;
constexpr EscapeTable MakeEscapes(std::string_view from, std::string_view to) {
  EscapeTable t{};
  for (size_t i = 0; i < from.size(); ++i) {
    t[static_cast<uint8_t>(from[i])] = static_cast<uint8_t>(to[i]);
  }
  return t;
}
inline constexpr EscapeTable kMeasurementEscapes = MakeEscapes(", ", ", ");
inline constexpr EscapeTable kKeyEscapes = MakeEscapes(",= ", ",= ");
inline constexpr EscapeTable kStringEscapes =
    MakeEscapes("\\\"nrt", "\\\"\n\r\t");

}  // namespace citynexus::connectors::line_protocol_internal
