#include "common/regex.h"

#include <deque>
#include <unordered_map>

#include <re2/re2.h>

#include "common/mutex.h"

namespace citynexus {
namespace {

// A small FIFO cache: queries repeat the same few patterns (dashboards
// poll), and FIFO eviction keeps it simple and bounded.
class RegexCache {
 public:
  std::shared_ptr<const Regex> Find(const std::string& pattern) {
    MutexLock lock(&mu_);
    auto it = map_.find(pattern);
    return it == map_.end() ? nullptr : it->second;
  }
  void Insert(const std::string& pattern, std::shared_ptr<const Regex> re) {
    MutexLock lock(&mu_);
    if (map_.count(pattern)) return;
    while (map_.size() >= kRegexCacheEntries && !order_.empty()) {
      map_.erase(order_.front());
      order_.pop_front();
    }
    map_.emplace(pattern, std::move(re));
    order_.push_back(pattern);
  }
  size_t Size() {
    MutexLock lock(&mu_);
    return map_.size();
  }

 private:
  Mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Regex>> map_
      GUARDED_BY(mu_);
  std::deque<std::string> order_ GUARDED_BY(mu_);
};

RegexCache& Cache() {
  static RegexCache* cache = new RegexCache();  // never destroyed: no
  return *cache;  // static-destruction order issues at exit
}

// Explains syntax other engines accept and RE2 refuses, so the client
// learns why rather than reading "invalid escape sequence".
std::string UnsupportedReason(std::string_view p) {
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    if (p[i] == '\\') {
      const char c = p[i + 1];
      if (c >= '1' && c <= '9') {
        return "backreferences (\\" + std::string(1, c) +
               ") are not supported (RE2 syntax)";
      }
      if (c == 'k') return "named backreferences are not supported (RE2 syntax)";
      ++i;  // skip the escaped character
      continue;
    }
    if (p[i] == '(' && p[i + 1] == '?' && i + 2 < p.size()) {
      const char c = p[i + 2];
      if (c == '=' || c == '!') {
        return "lookahead (?" + std::string(1, c) +
               "...) is not supported (RE2 syntax)";
      }
      if (c == '<' && i + 3 < p.size() && (p[i + 3] == '=' || p[i + 3] == '!')) {
        return "lookbehind is not supported (RE2 syntax)";
      }
    }
  }
  return "";
}

}  // namespace

Regex::Regex(std::string pattern, std::unique_ptr<re2::RE2> re)
    : pattern_(std::move(pattern)), re_(std::move(re)) {}

Regex::~Regex() = default;

bool Regex::Search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()),
                                *re_);
}

bool Regex::FullMatch(std::string_view text) const {
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

Result<std::shared_ptr<const Regex>> CompileRegex(std::string_view pattern) {
  if (pattern.size() > kMaxRegexPatternBytes) {
    return Status::InvalidArgument(
        "regex of " + std::to_string(pattern.size()) +
        " bytes is longer than the limit of " +
        std::to_string(kMaxRegexPatternBytes) + " bytes");
  }
  std::string text(pattern);
  if (auto cached = Cache().Find(text)) return cached;
  const std::string unsupported = UnsupportedReason(pattern);
  if (!unsupported.empty()) {
    return Status::InvalidArgument("invalid regex /" + text +
                                   "/: " + unsupported);
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxRegexProgramBytes);
  auto re = std::make_unique<re2::RE2>(text, options);
  if (!re->ok()) {
    return Status::InvalidArgument("invalid regex /" + text +
                                   "/: " + re->error());
  }
  std::shared_ptr<const Regex> compiled(new Regex(text, std::move(re)));
  Cache().Insert(text, compiled);
  return compiled;
}

size_t RegexCacheSize() { return Cache().Size(); }

}  // namespace citynexus
