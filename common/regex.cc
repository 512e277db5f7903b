#include "common/regex.h"

#include <re2/re2.h>

#include <deque>
#include <unordered_map>

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
      if (c == 'k')
        return "named backreferences are not supported (RE2 syntax)";
      ++i;  // skip the escaped character
      continue;
    }
    if (p[i] == '(' && p[i + 1] == '?' && i + 2 < p.size()) {
      const char c = p[i + 2];
      if (c == '=' || c == '!') {
        return "lookahead (?" + std::string(1, c) +
               "...) is not supported (RE2 syntax)";
      }
      if (c == '<' && i + 3 < p.size() &&
          (p[i + 3] == '=' || p[i + 3] == '!')) {
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

bool Regex::FullMatchGroups(std::string_view text,
                            std::vector<std::string_view>* groups) const {
  const int n = re_->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(n));
  if (!re_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                  re2::RE2::ANCHOR_BOTH, pieces.data(), n)) {
    return false;
  }
  groups->clear();
  for (const re2::StringPiece& p : pieces) {
    groups->emplace_back(p.data() == nullptr
                             ? std::string_view()
                             : std::string_view(p.data(), p.size()));
  }
  return true;
}

int Regex::CapturingGroups() const { return re_->NumberOfCapturingGroups(); }

int Regex::NamedGroupIndex(std::string_view name) const {
  const auto& named = re_->NamedCapturingGroups();
  auto it = named.find(std::string(name));
  return it == named.end() ? -1 : it->second;
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
