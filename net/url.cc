// Percent-decoding and target splitting; see url.h.
#include "net/url.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "net/net.h"

namespace citynexus::net {
namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}
}  // namespace

std::optional<std::string> PercentDecode(std::string_view in,
                                         bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return std::nullopt;  // "%" or "%4" at the end
      }
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(
    std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view()
                                          : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), /*plus_as_space=*/true);
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
        /*plus_as_space=*/true);
    if (!name || !value) {
      return std::nullopt;
    }
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

TargetParts SplitTarget(std::string_view target) {
  // Absolute form: strip "scheme://authority" so routing sees the path.
  const size_t scheme_end = target.find("://");
  if (!target.empty() && target.front() != '/' &&
      scheme_end != std::string_view::npos) {
    const size_t path_start = target.find('/', scheme_end + 3);
    const size_t query_start = target.find('?', scheme_end + 3);
    if (path_start == std::string_view::npos ||
        (query_start != std::string_view::npos && query_start < path_start)) {
      // "http://host" or "http://host?q": the path is "/".
      std::string_view rest = query_start == std::string_view::npos
                                  ? std::string_view()
                                  : target.substr(query_start);
      TargetParts parts = SplitTarget(rest);
      parts.path = "/";
      return parts;
    }
    target = target.substr(path_start);
  }
  const size_t hash = target.find('#');
  if (hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  const size_t q = target.find('?');
  if (q == std::string_view::npos) {
    return {target, {}};
  }
  return {target.substr(0, q), target.substr(q + 1)};
}

std::vector<std::string_view> SplitPathSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  if (path.empty()) {
    return segments;
  }
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    path = path.substr(slash + 1);
  }
  return segments;
}

// ---- absolute http(s) URLs (net/net.h: HttpUrl) ----

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

namespace {

// Spaces, control characters and non-ASCII bytes must be percent-encoded in
// a URL; sending them raw would produce an invalid request line.
bool HasInvalidUrlByte(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u >= 0x7f;
  });
}

bool IsDefaultPort(std::string_view scheme, uint16_t port) {
  return (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
}

// Whether `ref` starts with a URI scheme ("http:", "mailto:").
bool HasScheme(std::string_view ref) {
  if (ref.empty() || !std::isalpha(static_cast<unsigned char>(ref[0]))) {
    return false;
  }
  for (char c : ref) {
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' &&
        c != '.') {
      return false;
    }
  }
  return false;
}

}  // namespace

std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> out;
  bool trailing_slash = false;
  size_t start = 1;  // after the leading '/'
  while (true) {
    const size_t slash = path.find('/', start);
    const bool last = slash == std::string_view::npos;
    const std::string_view segment =
        path.substr(start, last ? std::string_view::npos : slash - start);
    trailing_slash = false;
    if (segment == ".") {
      trailing_slash = last;
    } else if (segment == "..") {
      if (!out.empty()) out.pop_back();
      trailing_slash = last;
    } else {
      out.push_back(segment);
    }
    if (last) break;
    start = slash + 1;
  }
  std::string result;
  for (std::string_view segment : out) {
    result.append("/").append(segment);
  }
  if (result.empty() || trailing_slash) result += "/";
  return result;
}

// "host", "host:8080" or "[::1]:8080" as the Host header wants it.
std::string HostHeader(const HttpUrl& url) {
  std::string host =
      url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  if (!IsDefaultPort(url.scheme, url.port)) {
    host += ":" + std::to_string(url.port);
  }
  return host;
}

std::string HttpUrl::ToString() const {
  std::string out = scheme + "://";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!IsDefaultPort(scheme, port)) out += ":" + std::to_string(port);
  return out + target;
}

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  const auto fail = [url](std::string_view why) {
    return Status::InvalidArgument("URL \"" + std::string(url.substr(0, 200)) +
                                   "\": " + std::string(why));
  };
  if (HasInvalidUrlByte(url)) {
    return fail(
        "spaces, control characters and non-ASCII bytes must be "
        "percent-encoded");
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return fail("expected an absolute http:// or https:// URL");
  }
  HttpUrl out;
  out.scheme = AsciiLower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") {
    return fail("scheme must be http or https");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view target = authority_end == std::string_view::npos
                                      ? std::string_view()
                                      : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return fail("user names and passwords in URLs are not supported");
  }
  std::string_view host = authority;
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in host");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return fail("unexpected text after ']'");
      port_text = after.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':');
             colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  if (host.empty()) return fail("empty host");
  out.host = AsciiLower(host);
  out.port = out.tls() ? 443 : 80;
  if (!port_text.empty()) {
    uint32_t port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535) return fail("bad port");
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port == 0 || port > 65535) return fail("port must be 1..65535");
    out.port = static_cast<uint16_t>(port);
  }
  if (target.empty()) {
    out.target = "/";
  } else if (target[0] == '?') {
    out.target = "/" + std::string(target);
  } else {
    out.target = std::string(target);
  }
  return out;
}

Result<HttpUrl> ResolveHttpUrl(const HttpUrl& base,
                               std::string_view reference) {
  std::string_view ref = reference;
  if (const size_t hash = ref.find('#'); hash != std::string_view::npos) {
    ref = ref.substr(0, hash);
  }
  if (HasScheme(ref)) return ParseHttpUrl(ref);
  if (ref.substr(0, 2) == "//") {
    return ParseHttpUrl(base.scheme + ":" + std::string(ref));
  }
  if (HasInvalidUrlByte(ref)) {
    return Status::InvalidArgument(
        "URL reference \"" + std::string(ref.substr(0, 200)) +
        "\": spaces, control characters and non-ASCII bytes must be "
        "percent-encoded");
  }
  const std::string_view base_target = base.target;
  const size_t base_q = base_target.find('?');
  const std::string_view base_path = base_target.substr(0, base_q);
  HttpUrl out = base;
  if (ref.empty()) return out;
  const size_t ref_q = ref.find('?');
  const std::string_view ref_path = ref.substr(0, ref_q);
  const std::string_view ref_query =
      ref_q == std::string_view::npos ? std::string_view() : ref.substr(ref_q);
  std::string path;
  if (ref_path.empty()) {
    path = std::string(base_path);  // "?x=1": same path, new query
  } else if (ref_path[0] == '/') {
    path = RemoveDotSegments(ref_path);
  } else {
    const size_t last_slash = base_path.rfind('/');
    std::string merged = last_slash == std::string_view::npos
                             ? "/"
                             : std::string(base_path.substr(0, last_slash + 1));
    merged += ref_path;
    path = RemoveDotSegments(merged);
  }
  out.target = path + std::string(ref_query);
  return out;
}

}  // namespace citynexus::net
