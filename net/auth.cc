// Request authentication; see net/auth.h.
#include "net/auth.h"

#include <array>
#include <utility>

#include "net/net.h"

namespace citynexus::net {
namespace {

// Longest secret we pass to the verifier; anything longer is not ours and
// must not make us hash megabytes per request.
constexpr size_t kMaxSecretBytes = 512;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 with optional padding; nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling character
  return out;
}

Status Malformed(std::string_view what) {
  return Status::Unauthenticated("malformed credentials: " + std::string(what));
}

// "user:secret" -> "secret"; a text without ':' is the secret itself.
std::string_view AfterColon(std::string_view s) {
  const size_t colon = s.find(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

}  // namespace

Result<std::optional<std::string>> ExtractSecret(const Request& request,
                                                 bool query_parameters) {
  if (auto header = request.Header("authorization")) {
    std::string_view value = Trim(*header);
    const size_t space = value.find(' ');
    if (space == std::string_view::npos) {
      return Malformed("Authorization needs a scheme and a credential");
    }
    const std::string_view scheme = value.substr(0, space);
    const std::string_view credential = Trim(value.substr(space + 1));
    std::string secret;
    if (IEquals(scheme, "Bearer")) {
      secret = std::string(credential);
    } else if (IEquals(scheme, "Token")) {
      secret = std::string(AfterColon(credential));
    } else if (IEquals(scheme, "Basic")) {
      auto decoded = DecodeBase64(credential);
      if (!decoded || decoded->find(':') == std::string::npos) {
        return Malformed("Basic credentials are not base64 of user:password");
      }
      secret = std::string(AfterColon(*decoded));
    } else {
      return Malformed(
          "unsupported Authorization scheme (use Bearer, Token "
          "or Basic)");
    }
    if (secret.empty() || secret.size() > kMaxSecretBytes) {
      return Malformed("empty or oversized secret");
    }
    return std::optional<std::string>(std::move(secret));
  }
  if (query_parameters) {
    if (auto p = request.Param("p")) {
      if (p->empty() || p->size() > kMaxSecretBytes) {
        return Malformed("empty or oversized p parameter");
      }
      return std::optional<std::string>(std::move(*p));
    }
  }
  return std::optional<std::string>();
}

std::string ScrubTargetForLog(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view rest = target.substr(q + 1);
  bool first = true;
  while (true) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (!first) out += '&';
    first = false;
    if (pair == "p" || pair.starts_with("p=")) {
      out += "p=[redacted]";
    } else {
      out += pair;
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

bool IsOpenRoute(std::string_view pattern, bool metrics_anonymous) {
  // The dashboard's static files ("/" and "/assets/{name}") and the API
  // description hold no data; a stale token the browser still sends must not
  // lock users out of the page where they would enter a new one.
  return pattern == "/healthz" || pattern == "/ping" ||
         pattern == "/api/v1/version" || pattern == "/api/v1/openapi.json" ||
         pattern == "/" || pattern == "/assets/{name}" ||
         (metrics_anonymous && pattern == "/metrics");
}

Authenticator::Authenticator(AuthOptions options, TokenVerifier verify,
                             AuthFailureFormatter format_failure)
    : options_(std::move(options)),
      verify_(std::move(verify)),
      format_failure_(std::move(format_failure)),
      anonymous_(Access::Anonymous(options_.anonymous_read)) {}

Result<std::shared_ptr<const Access>> Authenticator::Authenticate(
    const Request& request, bool open_route) const {
  auto secret = ExtractSecret(request, options_.query_parameters);
  if (!secret) {
    if (open_route) return anonymous_;
    return secret.error();
  }
  if (!secret->has_value()) return anonymous_;
  Result<std::shared_ptr<const Access>> access =
      verify_ ? verify_(**secret)
              : Result<std::shared_ptr<const Access>>(
                    Status::Unauthenticated("no token store configured"));
  if (!access || !*access) {
    if (open_route) return anonymous_;
    return access ? Status::Unauthenticated("invalid token") : access.error();
  }
  return access;
}

Response Authenticator::FailureResponse(const Request& request,
                                        const Status& status) const {
  if (format_failure_) return format_failure_(request, status);
  return Response::FromStatus(status);
}

}  // namespace citynexus::net
