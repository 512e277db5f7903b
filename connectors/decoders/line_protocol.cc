// InfluxDB line protocol decoder (see line_protocol.h and docs/formats.md).
//
// One pass over the body with a byte-class table per token kind. Tokens
// without escapes are returned as views into the body; escaped tokens are
// unescaped into the batch arena. Numbers are parsed in place
// (line_protocol_numbers.h), so a line costs no heap allocation in steady
// state. Byte tables: line_protocol_bytes.h; tag order and repeated field
// keys: line_protocol_keys.h; error-message quoting and UTF-8 checks:
// line_protocol_text.h; precision names: line_protocol_precision.cc.
#include "connectors/decoders/line_protocol.h"

#include <cstring>
#include <span>
#include <string>

#include "connectors/decoders/line_protocol_bytes.h"
#include "connectors/decoders/line_protocol_keys.h"
#include "connectors/decoders/line_protocol_numbers.h"
#include "connectors/decoders/line_protocol_text.h"

namespace citynexus::connectors {
namespace {

using line_protocol_internal::DescribeChar;
using line_protocol_internal::EscapeTable;
using line_protocol_internal::FieldDeduper;
using line_protocol_internal::kByteClass;
using line_protocol_internal::kCommentByte;
using line_protocol_internal::kFieldValueByte;
using line_protocol_internal::kKeyByte;
using line_protocol_internal::kKeyEscapes;
using line_protocol_internal::kMeasurementByte;
using line_protocol_internal::kMeasurementEscapes;
using line_protocol_internal::kStringEscapes;
using line_protocol_internal::kTimeByte;
using line_protocol_internal::NumParse;
using line_protocol_internal::ParseBool;
using line_protocol_internal::ParseFloat64;
using line_protocol_internal::ParseInt64;
using line_protocol_internal::ParseUint64;
using line_protocol_internal::Quote;
using line_protocol_internal::SortTagsByKey;
using line_protocol_internal::ValidUtf8;

inline bool IsLineSpace(char c) { return c == ' ' || c == '\r' || c == '\n'; }

std::string TooLong() {
  return "longer than the " + std::to_string(kMaxLineProtocolTokenBytes) +
         "-byte token limit";
}

// ---- the parser -------------------------------------------------------------
class Parser {
 public:
  Parser(std::string_view body, const LineProtocolOptions& options,
         DecodedBatch* out)
      : p_(body.data()),
        end_(body.data() + body.size()),
        out_(out),
        scale_(PrecisionNanos(options.precision)) {
    // Lines without a timestamp get the default time floored to the
    // precision, as InfluxDB truncates the server clock.
    int64_t t = options.default_time_ns;
    int64_t q = t / scale_;
    if (t % scale_ != 0 && t < 0) --q;
    if (__builtin_mul_overflow(q, scale_, &default_time_ns_)) {
      default_time_ns_ = (t / scale_) * scale_;
    }
  }

  void Run() {
    while (true) {
      SkipEmptyLines();
      if (p_ == end_) break;
      size_t tags_mark = out_->tags.size();
      size_t fields_mark = out_->fields.size();
      if (!ParseLine()) {
        out_->tags.resize(tags_mark);
        out_->fields.resize(fields_mark);
        SkipRestOfLine();
      }
    }
  }

 private:
  bool Fail(DecodeElement element, std::string_view name, std::string reason) {
    DecodeError e;
    e.line = line_;
    e.element = element;
    e.name = std::string(name);
    e.reason = std::move(reason);
    out_->errors.push_back(std::move(e));
    return false;
  }

  // Consumes an end of line (LF, CRLF, CR at end of input) or end of input.
  bool TakeEol() {
    if (p_ == end_) return true;
    if (*p_ == '\n') {
      ++p_;
      ++line_;
      return true;
    }
    if (*p_ == '\r') {
      if (p_ + 1 == end_) {
        ++p_;
        return true;
      }
      if (p_[1] == '\n') {
        p_ += 2;
        ++line_;
        return true;
      }
    }
    return false;
  }

  void SkipSpaces() {
    while (p_ < end_ && *p_ == ' ') ++p_;
  }

  // Error recovery: drop everything up to and including the next LF.
  void SkipRestOfLine() {
    const void* nl = std::memchr(p_, '\n', static_cast<size_t>(end_ - p_));
    if (nl == nullptr) {
      p_ = end_;
    } else {
      p_ = static_cast<const char*>(nl) + 1;
      ++line_;
    }
  }

  // Blank lines, lines of spaces and `#` comments.
  void SkipEmptyLines() {
    while (true) {
      SkipSpaces();
      if (p_ == end_) return;
      char c = *p_;
      if (c == '#') {
        while (p_ < end_ &&
               (kByteClass[static_cast<uint8_t>(*p_)] & kCommentByte)) {
          ++p_;
        }
        if (!TakeEol()) {
          Fail(DecodeElement::kLine, {},
               "invalid character " + DescribeChar(p_, end_) + " in comment");
          SkipRestOfLine();
        }
        continue;
      }
      if (c == '\n') {
        ++p_;
        ++line_;
        continue;
      }
      if (c == '\r' && TakeEol()) continue;
      return;  // a solitary CR falls through to the measurement error
    }
  }

  // Takes a run of bytes of class `cls`, where a backslash followed by a byte
  // in `escapes` stands for that byte. `*out` views the body or the arena.
  bool TakeToken(uint8_t cls, const EscapeTable& escapes, DecodeElement element,
                 std::string_view name, std::string_view what,
                 std::string_view* out) {
    const char* start = p_;
    bool escaped = false;
    uint8_t bits = 0;
    while (p_ < end_) {
      const uint8_t c = static_cast<uint8_t>(*p_);
      if (kByteClass[c] & cls) {
        bits |= c;
        ++p_;
        continue;
      }
      if (c != '\\') break;
      if (p_ + 1 < end_ && escapes[static_cast<uint8_t>(p_[1])] != 0) {
        escaped = true;
        p_ += 2;
      } else {
        ++p_;  // a literal backslash
      }
    }
    std::string_view raw(start, static_cast<size_t>(p_ - start));
    if (raw.size() > kMaxLineProtocolTokenBytes) {
      return Fail(element, name, TooLong());
    }
    *out = escaped ? Unescape(raw, escapes) : raw;
    if ((bits & 0x80) && !ValidUtf8(*out)) {
      return Fail(
          element, name,
          std::string(what) + " " + Quote(*out) + " is not valid UTF-8");
    }
    return true;
  }

  std::string_view Unescape(std::string_view raw, const EscapeTable& escapes) {
    char* dst = out_->arena.Allocate(raw.size());
    size_t n = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '\\' && i + 1 < raw.size()) {
        uint8_t r = escapes[static_cast<uint8_t>(raw[i + 1])];
        if (r != 0) {
          dst[n++] = static_cast<char>(r);
          ++i;
          continue;
        }
      }
      dst[n++] = c;
    }
    return {dst, n};
  }

  // After the measurement or a tag value: a comma must start another tag.
  bool AdvanceTagComma() {
    if (p_ == end_ || *p_ != ',') return true;
    ++p_;
    if (p_ == end_) {
      return Fail(DecodeElement::kTagKey, {},
                  "expected a tag key after ',', found end of input");
    }
    if (IsLineSpace(*p_)) {
      return Fail(DecodeElement::kTagKey, {},
                  "expected a tag key after ',', found white space");
    }
    return true;
  }

  bool ParseLine() {
    const size_t start_line = line_;
    std::string_view measurement;
    if (!TakeToken(kMeasurementByte, kMeasurementEscapes,
                   DecodeElement::kMeasurement, {}, "measurement",
                   &measurement)) {
      return false;
    }
    if (measurement.empty()) {
      return Fail(DecodeElement::kMeasurement, {},
                  "invalid character " + DescribeChar(p_, end_) +
                      " at start of measurement name");
    }
    if (!AdvanceTagComma()) return false;

    // ---- tags
    const size_t tags_begin = out_->tags.size();
    while (true) {
      if (p_ < end_ && *p_ == ' ') {
        SkipSpaces();
        break;
      }
      std::string_view key;
      if (!TakeToken(kKeyByte, kKeyEscapes, DecodeElement::kTagKey, {},
                     "tag key", &key)) {
        return false;
      }
      if (key.empty()) {
        if (p_ == end_ || *p_ == '\n' || *p_ == '\r') {
          return Fail(DecodeElement::kFieldKey, {},
                      "missing fields (found " + DescribeChar(p_, end_) + ")");
        }
        return Fail(
            DecodeElement::kTagKey, {},
            "expected a tag key or fields, found " + DescribeChar(p_, end_));
      }
      if (p_ == end_ || *p_ != '=') {
        return Fail(DecodeElement::kTagKey, {},
                    "expected '=' after tag key " + Quote(key) + ", found " +
                        DescribeChar(p_, end_));
      }
      ++p_;
      std::string_view value;
      if (!TakeToken(kKeyByte, kKeyEscapes, DecodeElement::kTagValue, key,
                     "tag value", &value)) {
        return false;
      }
      if (value.empty()) {
        return Fail(DecodeElement::kTagValue, key, "missing tag value");
      }
      out_->tags.push_back({key, value});
      if (p_ == end_) {
        return Fail(DecodeElement::kFieldKey, {},
                    "missing fields (found end of input)");
      }
      if (!AdvanceTagComma()) return false;
    }
    const size_t tags_count = out_->tags.size() - tags_begin;
    if (tags_count > 1 && !SortTags(tags_begin)) return false;

    // ---- fields
    const size_t fields_begin = out_->fields.size();
    bool has_time = false;
    while (true) {
      std::string_view key;
      if (!TakeToken(kKeyByte, kKeyEscapes, DecodeElement::kFieldKey, {},
                     "field key", &key)) {
        return false;
      }
      if (key.empty()) {
        if (out_->fields.size() > fields_begin) {
          return Fail(DecodeElement::kFieldKey, {},
                      "expected a field key after ',', found " +
                          DescribeChar(p_, end_));
        }
        if (p_ == end_ || *p_ == '\n' || *p_ == '\r') {
          return Fail(DecodeElement::kFieldKey, {},
                      "missing fields (found " + DescribeChar(p_, end_) + ")");
        }
        return Fail(DecodeElement::kFieldKey, {},
                    "invalid character " + DescribeChar(p_, end_) +
                        " at start of field key");
      }
      if (p_ == end_ || *p_ != '=') {
        return Fail(DecodeElement::kFieldKey, {},
                    "expected '=' after field key " + Quote(key) + ", found " +
                        DescribeChar(p_, end_));
      }
      ++p_;
      FieldValue value;
      if (!ParseFieldValue(key, &value)) return false;
      out_->fields.push_back({key, value});
      if (p_ == end_) break;
      char c = *p_;
      if (c == ',') {
        ++p_;
        continue;
      }
      if (!IsLineSpace(c)) {
        return Fail(DecodeElement::kFieldValue, key,
                    "unexpected character " + DescribeChar(p_, end_) +
                        " after the value");
      }
      SkipSpaces();
      if (TakeEol()) break;
      has_time = true;
      break;
    }

    int64_t timestamp_ns = default_time_ns_;
    if (has_time && !ParseTimestamp(&timestamp_ns)) return false;

    size_t fields_count = out_->fields.size() - fields_begin;
    if (fields_count > 1)
      fields_count = deduper_.Dedupe(&out_->fields, fields_begin);

    DecodedLine line;
    line.measurement = measurement;
    line.tags_begin = static_cast<uint32_t>(tags_begin);
    line.tags_count = static_cast<uint32_t>(tags_count);
    line.fields_begin = static_cast<uint32_t>(fields_begin);
    line.fields_count = static_cast<uint32_t>(fields_count);
    line.timestamp_ns = timestamp_ns;
    line.line_number = start_line;
    out_->lines.push_back(line);
    return true;
  }

  // Sorts the line's tags by key; a repeated key rejects the line (InfluxDB
  // refuses duplicate tags rather than guessing which one is meant).
  bool SortTags(size_t begin) {
    const DecodedTag* duplicate =
        SortTagsByKey(std::span<DecodedTag>(out_->tags).subspan(begin));
    if (duplicate == nullptr) return true;
    return Fail(DecodeElement::kTagKey, {},
                "duplicate tag key " + Quote(duplicate->key));
  }

  bool ParseFieldValue(std::string_view key, FieldValue* value) {
    if (p_ == end_) {
      return Fail(DecodeElement::kFieldValue, key,
                  "missing value (found end of input)");
    }
    const char c = *p_;
    if (c == '"') return ParseStringValue(key, value);
    const char* start = p_;
    while (p_ < end_ &&
           (kByteClass[static_cast<uint8_t>(*p_)] & kFieldValueByte)) {
      ++p_;
    }
    std::string_view raw(start, static_cast<size_t>(p_ - start));
    if (raw.size() > kMaxLineProtocolTokenBytes) {
      return Fail(DecodeElement::kFieldValue, key, TooLong());
    }
    switch (c) {
      case 't':
      case 'T':
      case 'f':
      case 'F': {
        bool b;
        if (!ParseBool(raw, &b)) {
          return Fail(DecodeElement::kFieldValue, key,
                      Quote(raw) + " is not a valid boolean");
        }
        *value = FieldValue::Bool(b);
        return true;
      }
      case '-':
      case '.':
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9':
        return ParseNumber(key, raw, value);
      default:
        break;
    }
    if (raw.empty()) {
      return Fail(DecodeElement::kFieldValue, key,
                  "missing value (found " + DescribeChar(p_, end_) + ")");
    }
    return Fail(
        DecodeElement::kFieldValue, key,
        Quote(raw) + " is not a valid value (strings need double quotes)");
  }

  // Numbers: `i` suffix int64, `u` suffix uint64, else float64.
  bool ParseNumber(std::string_view key, std::string_view raw,
                   FieldValue* value) {
    const char suffix = raw.back();
    const std::string_view digits = raw.substr(0, raw.size() - 1);
    NumParse parsed;
    const char* type;  // for messages: "out of the <type> range"
    const char* what;  // and "not a valid <what>"
    if (suffix == 'i') {
      int64_t v = 0;
      parsed = ParseInt64(digits, &v);
      *value = FieldValue::Int(v);
      type = "int64", what = "integer";
    } else if (suffix == 'u') {
      uint64_t v = 0;
      parsed = ParseUint64(digits, &v);
      *value = FieldValue::Uint(v);
      type = "uint64", what = "unsigned integer";
    } else {
      double v = 0;
      parsed = ParseFloat64(raw, &v);
      *value = FieldValue::Float(v);
      type = "float64", what = "number";
    }
    return parsed == NumParse::kOk ||
           NumberFail(DecodeElement::kFieldValue, key, raw, parsed, type, what);
  }

  // A number token that did not parse (`parsed` is kRange or kSyntax): out
  // of the range of `type`, or not a valid `what`.
  bool NumberFail(DecodeElement element, std::string_view key,
                  std::string_view raw, NumParse parsed, std::string_view type,
                  std::string_view what) {
    return Fail(
        element, key,
        Quote(raw) + (parsed == NumParse::kRange
                          ? " is out of the " + std::string(type) + " range"
                          : " is not a valid " + std::string(what)));
  }

  // A double-quoted string value; may span lines. Escapes: \" \\ \n \r \t;
  // any other backslash is literal.
  bool ParseStringValue(std::string_view key, FieldValue* value) {
    ++p_;  // opening quote
    const char* start = p_;
    bool escaped = false;
    uint8_t bits = 0;
    size_t newlines = 0;
    while (p_ < end_) {
      uint8_t c = static_cast<uint8_t>(*p_);
      if (c == '"') break;
      if (c == '\\' && p_ + 1 < end_ &&
          kStringEscapes[static_cast<uint8_t>(p_[1])] != 0) {
        escaped = true;
        p_ += 2;
        continue;
      }
      if (c == '\n') ++newlines;
      bits |= c;
      ++p_;
    }
    if (p_ == end_) {
      return Fail(DecodeElement::kFieldValue, key,
                  "missing closing quote of string value");
    }
    std::string_view raw(start, static_cast<size_t>(p_ - start));
    ++p_;  // closing quote
    if (raw.size() > kMaxLineProtocolTokenBytes) {
      return Fail(DecodeElement::kFieldValue, key, TooLong());
    }
    std::string_view text = escaped ? Unescape(raw, kStringEscapes) : raw;
    if ((bits & 0x80) && !ValidUtf8(text)) {
      return Fail(DecodeElement::kFieldValue, key,
                  "string value " + Quote(text) + " is not valid UTF-8");
    }
    line_ += newlines;
    *value = FieldValue::String(text);
    return true;
  }

  bool ParseTimestamp(int64_t* timestamp_ns) {
    const char* start = p_;
    while (p_ < end_ && (kByteClass[static_cast<uint8_t>(*p_)] & kTimeByte)) {
      ++p_;
    }
    std::string_view raw(start, static_cast<size_t>(p_ - start));
    if (p_ < end_ && !IsLineSpace(*p_)) {
      const char* bad_end = p_;
      while (bad_end < end_ && *bad_end != '\n' && *bad_end != '\r') ++bad_end;
      return Fail(
          DecodeElement::kTimestamp, {},
          Quote(std::string_view(start, static_cast<size_t>(bad_end - start))) +
              " is not a valid timestamp");
    }
    SkipSpaces();
    if (!TakeEol()) {
      const char* bad_end = p_;
      while (bad_end < end_ && *bad_end != '\n') ++bad_end;
      return Fail(
          DecodeElement::kLine, {},
          "unexpected text " +
              Quote(std::string_view(p_, static_cast<size_t>(bad_end - p_))) +
              " after the timestamp");
    }
    if (raw.empty()) return true;  // defensive: callers ensure a token
    if (raw.size() > kMaxLineProtocolTokenBytes) {
      return Fail(DecodeElement::kTimestamp, {}, TooLong());
    }
    int64_t t;
    const NumParse parsed = ParseInt64(raw, &t);
    if (parsed != NumParse::kOk) {
      return NumberFail(DecodeElement::kTimestamp, {}, raw, parsed, "int64",
                        "integer timestamp");
    }
    if (__builtin_mul_overflow(t, scale_, timestamp_ns)) {
      return Fail(
          DecodeElement::kTimestamp, {},
          Quote(raw) + " is out of range in nanoseconds at this precision");
    }
    return true;
  }

  const char* p_;
  const char* end_;
  size_t line_ = 1;
  DecodedBatch* out_;
  int64_t scale_;
  int64_t default_time_ns_ = 0;
  FieldDeduper deduper_;
};

}  // namespace

void DecodeLineProtocol(std::string_view body,
                        const LineProtocolOptions& options, DecodedBatch* out) {
  out->Clear();
  Parser parser(body, options, out);
  parser.Run();
}

}  // namespace citynexus::connectors
