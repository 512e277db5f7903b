// The output shape shared by every payload decoder in connectors/decoders/
// (line protocol, SenML, TTN uplinks, GBFS, mapped JSON and CSV).
//
// A decoder turns one request body into a DecodedBatch: decoded lines (one
// measurement, its tags, its fields and one timestamp each) plus one
// DecodeError per rejected line. The batch is built for speed: names and
// values are std::string_views pointing into the input body when no
// unescaping was needed, or into the batch's own arena when it was; tags and
// fields of all lines live in two flat vectors, so decoding a line costs no
// heap allocation once the batch has been used once (Clear() keeps capacity).
//
// Lifetime: views may point into the body that was decoded, so the body must
// outlive every use of the batch's views. Moving a batch keeps its views
// valid (arena blocks never move); copying is disabled.
//
// Thread-safety: one thread at a time; a const batch may be read concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"

namespace citynexus::connectors {

// One typed field value. Unsigned integers stay distinct from signed ones
// (InfluxDB's `u` suffix): the store keeps int64, and the range check happens
// when converting with ToEngineValue(), not while decoding.
struct FieldValue {
  enum class Kind : uint8_t { kFloat, kInt, kUint, kBool, kString };

  static FieldValue Float(double v) {
    FieldValue f;
    f.kind = Kind::kFloat;
    f.num.f = v;
    return f;
  }
  static FieldValue Int(int64_t v) {
    FieldValue f;
    f.kind = Kind::kInt;
    f.num.i = v;
    return f;
  }
  static FieldValue Uint(uint64_t v) {
    FieldValue f;
    f.kind = Kind::kUint;
    f.num.u = v;
    return f;
  }
  static FieldValue Bool(bool v) {
    FieldValue f;
    f.kind = Kind::kBool;
    f.num.b = v;
    return f;
  }
  // `v` must outlive the value (see the header comment).
  static FieldValue String(std::string_view v) {
    FieldValue f;
    f.kind = Kind::kString;
    f.str = v;
    return f;
  }

  // Accessors; each is only meaningful for its own kind.
  double float_value() const { return num.f; }
  int64_t int_value() const { return num.i; }
  uint64_t uint_value() const { return num.u; }
  bool bool_value() const { return num.b; }
  std::string_view string_value() const { return str; }

  Kind kind = Kind::kFloat;
  union {
    double f;
    int64_t i;
    uint64_t u;
    bool b;
  } num = {0.0};
  std::string_view str;  // kString only
};

// "float", "integer", "unsigned", "boolean", "string".
std::string_view FieldKindName(FieldValue::Kind kind);

// Converts to the engine's value type. Strings are copied.
// kInvalidArgument when an unsigned value exceeds INT64_MAX (the engine
// stores integers as int64); the message names the value.
Result<engine::Value> ToEngineValue(const FieldValue& value);

struct DecodedTag {
  std::string_view key;
  std::string_view value;
};

struct DecodedField {
  std::string_view key;
  FieldValue value;
};

// One accepted line. Its tags are sorted by key (byte order, as InfluxDB
// does) and unique; its fields keep input order and have unique keys.
struct DecodedLine {
  std::string_view measurement;
  uint32_t tags_begin = 0;  // index into DecodedBatch::tags
  uint32_t tags_count = 0;
  uint32_t fields_begin = 0;  // index into DecodedBatch::fields
  uint32_t fields_count = 0;
  int64_t timestamp_ns = 0;  // nanoseconds since the Unix epoch
  // Where the entry came from, in the unit of its decoder: the 1-based
  // physical line for line protocol and CSV, the 0-based record (array
  // element) index for SenML and mapped JSON, the 0-based station index for
  // GBFS, 0 for a one-message format (TTN). Orders errors against lines.
  size_t line_number = 0;
};

// Which part of a line an error is about.
enum class DecodeElement : uint8_t {
  kLine,  // the line as a whole (e.g. a bad comment, stray text)
  kMeasurement,
  kTagKey,
  kTagValue,  // `name` holds the tag key
  kFieldKey,
  kFieldValue,  // `name` holds the field key
  kTimestamp,
  kMember,  // a payload member (JSON key, CSV column); `name` holds it
};

// What DecodeError::line counts. Line protocol and CSV count physical lines;
// the JSON decoders count records, so their messages say "record 3".
enum class DecodeUnit : uint8_t {
  kLine,     // 1-based physical line (line protocol, CSV)
  kRecord,   // 0-based index of the record in its JSON array (SenML, JSON)
  kStation,  // 0-based index in GBFS data.stations; `unit_id` = station_id
  kMessage,  // the payload as a whole (TTN uplink, unparsable JSON)
};

// One rejected line (or record, station, message). The whole entry is
// rejected; other entries are unaffected.
//
// New members go after `reason` and have default initializers, so the
// aggregate initializations {line, element, name, reason} stay valid.
struct DecodeError {
  size_t line = 0;  // position of the entry; its meaning is `unit`
  DecodeElement element = DecodeElement::kLine;
  std::string name;    // tag or field key for kTagValue / kFieldValue;
                       // the payload member ("n", "/speed") for kMember
  std::string reason;  // `"14x" is not a valid integer`
  DecodeUnit unit = DecodeUnit::kLine;
  std::string unit_id = {};  // e.g. the GBFS station_id, shown when set
  size_t column = 0;         // 1-based CSV column; 0 = not applicable

  // "line 17: field "vehicles": "14x" is not a valid integer"
  // "record 3: "n": name "-x" must start with a letter or digit"
  // "station 2 ("st-7"): "is_renting": missing required field"
  // "line 5, column 3: field "speed": "fast" is not a number"
  std::string ToString() const;
};

// Series metadata carried by a payload (SenML unit, TTN device EUI, GBFS
// station name and position). Optional side table of DecodedBatch: most
// decoders leave it empty.
struct DecodedSeriesMeta {
  uint32_t line_index = 0;  // index into DecodedBatch::lines
  // The field the entry is about; empty = every field of the line. A
  // field-specific entry wins over a line-wide one for the slots it sets.
  std::string_view field;
  std::string_view unit;            // "Cel", "%RH"; empty = not given
  std::string_view description;     // e.g. the GBFS station name
  std::string_view device_eui;      // LoRaWAN DevEUI (hex), TTN uplinks
  std::optional<double> latitude;   // WGS84 degrees
  std::optional<double> longitude;  // WGS84 degrees
};

// Bump allocator for unescaped strings. Blocks never move, so views into them
// stay valid until Reset() or destruction.
class StringArena {
 public:
  StringArena() = default;
  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;
  StringArena(StringArena&&) = default;
  StringArena& operator=(StringArena&&) = default;

  // Returns `size` writable bytes valid until Reset().
  char* Allocate(size_t size);
  // Copies `text` into the arena; the view is valid until Reset().
  std::string_view Copy(std::string_view text);
  // Forgets all strings; keeps the first block for reuse.
  void Reset();

 private:
  static constexpr size_t kBlockBytes = 16 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t block_used_ = 0;  // bytes used in blocks_.back()
  size_t block_size_ = 0;  // size of blocks_.back()
};

struct DecodedBatch {
  DecodedBatch() = default;
  DecodedBatch(const DecodedBatch&) = delete;
  DecodedBatch& operator=(const DecodedBatch&) = delete;
  DecodedBatch(DecodedBatch&&) = default;
  DecodedBatch& operator=(DecodedBatch&&) = default;

  std::span<const DecodedTag> TagsOf(const DecodedLine& line) const {
    return {tags.data() + line.tags_begin, line.tags_count};
  }
  std::span<const DecodedField> FieldsOf(const DecodedLine& line) const {
    return {fields.data() + line.fields_begin, line.fields_count};
  }

  // Empties the batch, keeping allocated capacity for the next decode.
  void Clear() {
    lines.clear();
    tags.clear();
    fields.clear();
    errors.clear();
    series_meta.clear();
    line_unit = DecodeUnit::kLine;
    arena.Reset();
  }

  // Fills the unset slots of `meta` (empty strings, missing lat/lon) from
  // the series_meta entries of line `line_index` that apply to `field`:
  // field-specific entries first, then line-wide ones. Slots already set in
  // `meta` are kept. A device EUI lands in `description` as
  // "LoRaWAN DevEUI <eui>" when no description is given (SeriesMeta has no
  // EUI slot). Returns true when `meta` changed.
  bool ApplySeriesMeta(uint32_t line_index, std::string_view field,
                       engine::SeriesMeta* meta) const;

  std::vector<DecodedLine> lines;
  std::vector<DecodedTag> tags;
  std::vector<DecodedField> fields;
  std::vector<DecodeError> errors;  // in input order
  // Payload metadata, sorted by line_index (decoders append in line order).
  std::vector<DecodedSeriesMeta> series_meta;
  // What DecodedLine::line_number counts in this batch (set by the decoder;
  // kLine after Clear()). Code that reports its own errors about lines (the
  // point writer) copies it into DecodeError::unit.
  DecodeUnit line_unit = DecodeUnit::kLine;
  StringArena arena;  // backs unescaped names and values
};

}  // namespace citynexus::connectors
