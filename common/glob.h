// Measurement-name globs, shared by retention rules (engine/) and access
// scopes (net/): '*' matches any run of characters (also none), '?' exactly
// one character; every other character matches itself. No classes, no escapes.
//
// Thread-safety: a pure function.
#pragma once

#include <string_view>

namespace citynexus {

// True when `text` matches `pattern` as a whole. Iterative with one backtrack
// point (the last '*'), never recursive, so a hostile pattern cannot exhaust
// the stack.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace citynexus
