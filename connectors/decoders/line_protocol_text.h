// Text helpers of the line protocol decoder: UTF-8 validation as Go's
// utf8.Valid does it, and the quoting of bytes and tokens in error messages.
//
// Internal to connectors/decoders/line_protocol*.cc. Thread-safety: pure
// functions.
#pragma once

#include <string>
#include <string_view>

namespace citynexus::connectors::line_protocol_internal {

// Strict validation (no overlongs, no surrogates, max U+10FFFF).
bool ValidUtf8(std::string_view s);

// Appends byte `c` for an error message, escaping quotes, backslashes,
// control and non-ASCII bytes.
void AppendShown(std::string* out, unsigned char c);

// `s` in double quotes for an error message, cut after 64 bytes ("...") so
// a hostile body cannot produce huge messages.
std::string Quote(std::string_view s);

// "end of input", "end of line" or the quoted byte at `p` (for messages).
std::string DescribeChar(const char* p, const char* end);

}  // namespace citynexus::connectors::line_protocol_internal
