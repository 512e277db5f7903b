// URL helpers: for the HTTP server, splitting a request target into path and
// query, and percent-decoding both (RFC 3986; '+' is a space only in queries,
// as HTML forms and most HTTP clients encode it).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/net.h"

namespace citynexus::net {

// Decodes %XX escapes. When `plus_as_space`, '+' becomes ' '. Returns nullopt
// for a malformed escape ("%", "%4", "%zz") so the caller can answer 400
// instead of guessing.
std::optional<std::string> PercentDecode(std::string_view in,
                                         bool plus_as_space);

// Parses "a=1&b=x+y&flag" into {("a","1"),("b","x y"),("flag","")} in order of
// appearance. Empty pairs ("a=1&&b=2") are skipped. nullopt when a name or
// value holds a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(
    std::string_view query);

// Splits a request target into the raw (still encoded) path and query, without
// the '?' and any '#fragment'. Absolute-form targets
// ("http://host:80/p?q") are reduced to their path and query.
struct TargetParts {
  std::string_view path;
  std::string_view query;
};
TargetParts SplitTarget(std::string_view target);

// Splits an encoded path "/a/b%2Fc" into raw segments {"a", "b%2Fc"}. "/" has
// no segments; a trailing slash yields a final empty segment ("/a/" -> {"a",
// ""}) so "/a" and "/a/" stay distinct routes.
std::vector<std::string_view> SplitPathSegments(std::string_view path);

// RFC 3986 section 5.2.4 on an absolute path: "/a/b/../c/./d" -> "/a/c/d".
// `path` must start with '/' (precondition); ".." never climbs above "/".
std::string RemoveDotSegments(std::string_view path);

// ASCII lower case (scheme, host and header names).
std::string AsciiLower(std::string_view s);

// "host", "host:8080" or "[::1]:8080" as the Host header of a request to
// `url` wants it (the default port left out).
std::string HostHeader(const HttpUrl& url);

// ParseHttpUrl, ResolveHttpUrl and HttpUrl::ToString (declared in
// net/net.h) are implemented in net/url.cc too.

}  // namespace citynexus::net
