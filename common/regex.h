// Regular expressions supplied by clients (InfluxQL =~ / !~, FROM /re/,
// SHOW ... WITH KEY =~, indicator selectors, JSON query tag predicates), on
// RE2: matching is linear in the text and never recurses, so a hostile
// pattern over a 64 KB tag value cannot exhaust the stack or the CPU.
// std::regex must not be used for client input (libstdc++ recurses per
// character and overflows the stack on `(a|b)*` over ~30 KB).
//
// Syntax is RE2's (the same as Go's, which InfluxDB and Prometheus use):
// no backreferences, no lookaround; they are rejected with a clear
// kInvalidArgument. Patterns longer than kMaxRegexPatternBytes are rejected.
//
// Thread-safety: a compiled Regex is immutable and safe for concurrent use.
// CompileRegex() is safe for concurrent use (its cache has a mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace citynexus {

// Longest pattern accepted, in bytes. Real selectors are a few dozen bytes;
// the cap bounds compile time and memory per request.
inline constexpr size_t kMaxRegexPatternBytes = 4096;
// Compiled-program memory budget per pattern (RE2's max_mem). A pattern
// whose program exceeds it (e.g. a{1000}{1000}) fails to compile.
inline constexpr int64_t kMaxRegexProgramBytes = 2 << 20;
// Compiled patterns kept for reuse; the oldest is evicted beyond this.
inline constexpr size_t kRegexCacheEntries = 256;

class Regex {
 public:
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // True when the pattern matches somewhere in `text` (unanchored search,
  // InfluxQL's =~).
  bool Search(std::string_view text) const;
  // True when the pattern matches all of `text` (Prometheus selectors).
  bool FullMatch(std::string_view text) const;
  // True when the pattern matches all of `text`; then (*groups)[i] is the
  // text of capture group i (0: the whole match; empty for a group that did
  // not take part). For rewrites such as PromQL's label_replace.
  bool FullMatchGroups(std::string_view text,
                       std::vector<std::string_view>* groups) const;
  // Number of capture groups, and the index of the named group `name`
  // ((?P<name>...)), or -1 when there is none.
  int CapturingGroups() const;
  int NamedGroupIndex(std::string_view name) const;
  const std::string& pattern() const { return pattern_; }

 private:
  friend Result<std::shared_ptr<const Regex>> CompileRegex(
      std::string_view pattern);
  Regex(std::string pattern, std::unique_ptr<re2::RE2> re);
  std::string pattern_;
  std::unique_ptr<re2::RE2> re_;
};

// Compiles `pattern` (RE2 syntax; `(?i)` etc. flags allowed), or returns a
// cached compile of the same text. kInvalidArgument naming the pattern and
// the reason when it is too long, uses unsupported syntax (backreferences,
// lookaround) or does not compile. The result is shared and immutable.
Result<std::shared_ptr<const Regex>> CompileRegex(std::string_view pattern);

// Number of compiled patterns currently cached (for tests and metrics).
size_t RegexCacheSize();

}  // namespace citynexus
