// Number parsing of the line protocol decoder, with the syntax and range
// rules of Go's strconv (ParseInt, ParseUint, ParseFloat, ParseBool as
// influxdata/line-protocol uses them), in place on string views.
//
// Header-only so the parser inlines them: they run for every field and
// timestamp, and a call per number costs the decoder ~5%.
//
// Internal to connectors/decoders/line_protocol*.cc. Thread-safety: pure
// functions.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>

namespace citynexus::connectors::line_protocol_internal {

enum class NumParse { kOk, kSyntax, kRange };

namespace detail {

// [sign] digits [. digits] with at most 15 digits (below 2^53, exact as a
// double) and no exponent, as mantissa / 10^fraction digits. False when the
// text has another shape (the caller then takes the general path).
inline bool FastDecimal(std::string_view s, bool negative, double* out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3, 1e4,  1e5,
                                      1e6,  1e7,  1e8,  1e9, 1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15};
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  uint64_t mantissa = 0;
  size_t fraction_digits = 0;
  bool in_fraction = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (in_fraction) return false;
      in_fraction = true;
      continue;
    }
    const unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return false;
    mantissa = mantissa * 10 + d;
    if (in_fraction) ++fraction_digits;
  }
  if (fraction_digits > 15) return false;
  const double v = static_cast<double>(mantissa) / kPow10[fraction_digits];
  *out = negative ? -v : v;
  return true;
}

}  // namespace detail

// Decimal digits only, at least one; Go strconv.ParseUint(s, 10, 64).
// Up to 19 digits cannot overflow (10^19 - 1 < 2^64), so only longer
// numbers pay for overflow checks; nanosecond timestamps have 19 digits.
inline NumParse ParseUint64(std::string_view s, uint64_t* out) {
  if (s.empty()) return NumParse::kSyntax;
  uint64_t v = 0;
  const size_t fast = std::min<size_t>(s.size(), 19);
  for (size_t i = 0; i < fast; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return NumParse::kSyntax;
    v = v * 10 + d;
  }
  bool overflow = false;
  for (size_t i = fast; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return NumParse::kSyntax;
    if (__builtin_mul_overflow(v, 10u, &v) ||
        __builtin_add_overflow(v, d, &v)) {
      overflow = true;  // keep scanning: a later non-digit is a syntax error
    }
  }
  if (overflow) return NumParse::kRange;
  *out = v;
  return NumParse::kOk;
}

// Optional sign then digits; Go strconv.ParseInt(s, 10, 64).
inline NumParse ParseInt64(std::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  NumParse r = ParseUint64(s, &magnitude);
  if (r != NumParse::kOk) return r;
  constexpr uint64_t kMaxPositive =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (magnitude > kMaxPositive + 1) return NumParse::kRange;
    *out = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > kMaxPositive) return NumParse::kRange;
    *out = static_cast<int64_t>(magnitude);
  }
  return NumParse::kOk;
}

// Decimal floating point as Go's strconv.ParseFloat reads it:
// [sign] (digits [. digits] | . digits) [(e|E) [sign] digits].
// Out-of-range magnitudes are kRange; underflow reads as (signed) zero like
// Go. NaN and infinities are not numbers in line protocol: kSyntax.
inline NumParse ParseFloat64(std::string_view s, double* out) {
  size_t i = 0, n = s.size();
  bool negative = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  size_t digits = 0;
  // Where the first significant digit sits, to tell an overflow from an
  // underflow when from_chars reports out of range.
  bool seen_sig = false;
  long int_digits = 0;          // integer digits from the first non-zero one
  long frac_leading_zeros = 0;  // zeros after '.' when the integer part is 0
  while (i < n && s[i] >= '0' && s[i] <= '9') {
    if (s[i] != '0') seen_sig = true;
    if (seen_sig) ++int_digits;
    ++digits;
    ++i;
  }
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (!seen_sig) {
        if (s[i] == '0') {
          ++frac_leading_zeros;
        } else {
          seen_sig = true;
        }
      }
      ++digits;
      ++i;
    }
  }
  if (digits == 0) return NumParse::kSyntax;
  long exponent = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    if (i == n) return NumParse::kSyntax;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (exponent < 100000000) exponent = exponent * 10 + (s[i] - '0');
      ++i;
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return NumParse::kSyntax;

  // Clinger's fast path: a mantissa below 2^53 and at most 22 fraction
  // digits, no exponent: mantissa / 10^k is one correctly rounded IEEE
  // division of two exact doubles, the same result from_chars gives.
  if (exponent == 0 && digits <= 15 && i == n) {
    double fast;
    if (detail::FastDecimal(s, negative, &fast)) {
      *out = fast;
      return NumParse::kOk;
    }
  }

  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  double v = 0;
  auto [ptr, ec] =
      std::from_chars(first, s.data() + n, v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    // |value| >= 1 exactly when first_sig_exp + exponent > 0: an overflow.
    const long first_sig_exp =
        int_digits > 0 ? int_digits : -frac_leading_zeros;
    if (seen_sig && first_sig_exp + exponent > 0) return NumParse::kRange;
    v = negative ? -0.0 : 0.0;
  } else if (ec != std::errc() || ptr != s.data() + n) {
    return NumParse::kSyntax;
  }
  if (!std::isfinite(v)) return NumParse::kRange;
  *out = v;
  return NumParse::kOk;
}

inline bool ParseBool(std::string_view s, bool* out) {
  if (s == "t" || s == "T" || s == "true" || s == "True" || s == "TRUE") {
    *out = true;
    return true;
  }
  if (s == "f" || s == "F" || s == "false" || s == "False" || s == "FALSE") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace citynexus::connectors::line_protocol_internal
