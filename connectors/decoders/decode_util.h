// Helpers shared by the structured-payload decoders (SenML, TTN, GBFS,
// mapped JSON and CSV): time parsing, typed text values and error-message
// quoting. Internal to connectors/decoders; no JSON library types here.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connectors/decoders/decoded.h"

namespace citynexus::connectors {

// How a mapped time value is written.
enum class TimeFormat : uint8_t {
  kRfc3339,       // "2024-05-01T12:00:00.123456789Z", "...+02:00"
  kEpochSeconds,  // 1714564800 or 1714564800.25 (number or numeric text)
  kEpochMillis,   // 1714564800000
  kEpochNanos,    // 1714564800000000000
};

// "rfc3339", "epoch_s", "epoch_ms", "epoch_ns" -> TimeFormat.
// kInvalidArgument naming the accepted spellings otherwise.
Result<TimeFormat> ParseTimeFormat(std::string_view text);
// The name ParseTimeFormat takes for `format`.
std::string_view TimeFormatName(TimeFormat format);

// The declared type of a mapped field. Values are converted to it, so a
// series keeps one type even when the source mixes 12 and 12.5 or writes
// numbers as strings (open-data portals often do).
enum class MappedType : uint8_t {
  kFloat,   // any number or numeric text -> float64 (default)
  kInt,     // integral number or integer text -> int64
  kBool,    // true/false (JSON), true/false/1/0 (text, case-insensitive)
  kString,  // text as is
};

// "float", "int", "bool", "string" -> MappedType (the `type` of a mapped
// field in configuration). kInvalidArgument naming the spellings otherwise.
Result<MappedType> ParseMappedType(std::string_view text);
// The name ParseMappedType takes for `type`.
std::string_view MappedTypeName(MappedType type);

// Parses RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` (a space
// or lower-case 't' may separate date and time, 'z' is accepted) into ns
// since the epoch. Up to 9 fraction digits are kept, more are truncated.
// kInvalidArgument with the reason otherwise (bad syntax, out of range).
Result<int64_t> ParseRfc3339(std::string_view text);

// Seconds since the epoch (possibly fractional) -> ns, rounded to the
// nearest ns. kInvalidArgument when not finite or outside int64 ns
// (years 1677..2262).
Result<int64_t> SecondsToNs(double seconds);

// Parses a time written as text in `format`.
Result<int64_t> ParseTimeText(std::string_view text, TimeFormat format);

// Converts a numeric epoch value in `format` (not kRfc3339) to ns.
Result<int64_t> EpochNumberToNs(double value, TimeFormat format);
Result<int64_t> EpochIntegerToNs(int64_t value, TimeFormat format);

// Parses `text` as a value of `type`. For kString the returned value views
// `text`, which must outlive it. kInvalidArgument with a message like
// `"14x" is not a number`.
Result<FieldValue> ParseTextValue(std::string_view text, MappedType type);

// Quotes `s` for an error message: control and non-ASCII bytes escaped,
// long text cut after 64 bytes so a hostile payload cannot bloat messages.
std::string QuoteText(std::string_view s);

// Builds one DecodedLine in a batch: tags and fields are appended to the
// batch's flat vectors, then Commit() sorts the tags and adds the line, or
// Abort() drops what was appended (a rejected record leaves no trace).
// Names and values must outlive the batch (use batch->arena for copies).
class LineBuilder {
 public:
  explicit LineBuilder(DecodedBatch* out) : out_(out) {}

  void Begin(std::string_view measurement, int64_t timestamp_ns,
             size_t position);
  void AddTag(std::string_view key, std::string_view value);
  // Returns false (and adds nothing) when the line already has `key`.
  bool AddField(std::string_view key, FieldValue value);
  bool HasTag(std::string_view key) const;
  size_t field_count() const;
  void set_timestamp(int64_t timestamp_ns) {
    line_.timestamp_ns = timestamp_ns;
  }
  // Sorts the tags by key and appends the line; returns its index.
  // Precondition: at least one field, tag keys unique.
  uint32_t Commit();
  void Abort();

 private:
  DecodedBatch* out_;
  DecodedLine line_;
};

// Shorthand for one DecodeError.
DecodeError MakeError(DecodeUnit unit, size_t position, DecodeElement element,
                      std::string name, std::string reason);
// An error about the whole message (not JSON, wrong document shape).
DecodeError MessageError(std::string reason);

}  // namespace citynexus::connectors
