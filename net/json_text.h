// Minimal JSON string escaping for the few JSON bodies net/ writes itself
// (error bodies, /healthz, /api/v1/version). net/ knows no JSON library on
// purpose: it must not parse or know payload formats.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace citynexus::net {

// Appends `s` as a quoted JSON string (escaping quotes, backslashes and
// control characters; other bytes, including UTF-8, pass through).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace citynexus::net
