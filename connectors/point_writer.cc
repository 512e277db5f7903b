#include "connectors/point_writer.h"

#include <mutex>

namespace citynexus::connectors {
namespace {

engine::ValueType EngineTypeOf(FieldValue::Kind kind) {
  switch (kind) {
    case FieldValue::Kind::kFloat:
      return engine::ValueType::kFloat;
    case FieldValue::Kind::kInt:
    case FieldValue::Kind::kUint:
      return engine::ValueType::kInt;
    case FieldValue::Kind::kBool:
      return engine::ValueType::kBool;
    case FieldValue::Kind::kString:
      return engine::ValueType::kString;
  }
  return engine::ValueType::kFloat;
}

// Appends `text` length-prefixed, so the concatenation of several parts is
// unambiguous whatever bytes the names contain.
void AppendPart(std::string& out, std::string_view text) {
  const uint32_t n = static_cast<uint32_t>(text.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof(n));
  out.append(text);
}

// The cache key of a line's series prefix (measurement and sorted tags);
// the field name is appended per field. Cheaper than the canonical key:
// no escaping, and built once per line.
void BuildLinePrefix(const DecodedBatch& batch, const DecodedLine& line,
                     std::string* out) {
  out->clear();
  AppendPart(*out, line.measurement);
  for (const auto& tag : batch.TagsOf(line)) {
    AppendPart(*out, tag.key);
    AppendPart(*out, tag.value);
  }
}

}  // namespace

PointWriter::PointWriter(engine::Store& store, std::string source)
    : store_(store), source_(std::move(source)) {}

Result<PointWriter::CachedSeries> PointWriter::Resolve(
    const std::string& cache_key, const DecodedLine& line,
    const DecodedBatch& batch, std::string_view field, engine::ValueType type) {
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(cache_key);
    if (it != cache_.end()) return it->second;
  }
  engine::SeriesKey key;
  key.measurement = line.measurement;
  for (const auto& tag : batch.TagsOf(line)) {
    key.tags.emplace_back(std::string(tag.key), std::string(tag.value));
  }
  key.field = field;
  auto info = store_.GetOrCreateSeries(key, type);
  if (!info) return info.error();
  if (info->meta.source.empty() && info->type == type) {
    // A new series: record where it came from and what the payload says
    // about it (SenML unit, GBFS station location, ...). Best effort; the
    // points matter more than the metadata.
    engine::SeriesMeta meta = info->meta;
    meta.source = source_;
    batch.ApplySeriesMeta(static_cast<uint32_t>(&line - batch.lines.data()),
                          field, &meta);
    (void)store_.SetSeriesMeta(info->id, meta);
  }
  CachedSeries cached{info->id, info->type};
  std::unique_lock lock(mu_);
  cache_.emplace(cache_key, cached);
  return cached;
}

Result<WriteOutcome> PointWriter::Write(const DecodedBatch& batch) {
  WriteOutcome outcome;
  std::vector<engine::Point> points;
  points.reserve(batch.fields.size());
  std::vector<size_t> point_line;  // line number of each point
  point_line.reserve(batch.fields.size());
  std::vector<DecodeError> rejected;

  std::string cache_key;
  for (const DecodedLine& line : batch.lines) {
    BuildLinePrefix(batch, line, &cache_key);
    const size_t prefix_size = cache_key.size();
    for (const DecodedField& field : batch.FieldsOf(line)) {
      auto value = ToEngineValue(field.value);
      if (!value) {
        rejected.push_back({line.line_number, DecodeElement::kFieldValue,
                            std::string(field.key), value.error().message()});
        continue;
      }
      const engine::ValueType type = EngineTypeOf(field.value.kind);
      cache_key.resize(prefix_size);
      AppendPart(cache_key, field.key);
      auto series = Resolve(cache_key, line, batch, field.key, type);
      if (!series) {
        rejected.push_back({line.line_number, DecodeElement::kFieldKey,
                            std::string(field.key), series.error().message()});
        continue;
      }
      if (series->type != type) {
        rejected.push_back(
            {line.line_number, DecodeElement::kFieldValue,
             std::string(field.key),
             "field type conflict: " + std::string(field.key) + " is " +
                 std::string(engine::ValueTypeName(series->type)) + ", got " +
                 std::string(engine::ValueTypeName(type))});
        continue;
      }
      points.push_back({series->id, line.timestamp_ns, std::move(*value)});
      point_line.push_back(line.line_number);
    }
  }

  if (!points.empty()) {
    auto appended = store_.Append(points);
    if (!appended) return appended.error();
    outcome.points_written = appended->written;
    for (const auto& r : appended->rejected) {
      rejected.push_back(
          {point_line[r.index], DecodeElement::kLine, "", r.reason});
    }
  }

  // Errors made here count in the decoder's unit (line, record, station).
  for (DecodeError& e : rejected) e.unit = batch.line_unit;

  // Merge decode errors and write rejections in line order.
  outcome.rejected.reserve(batch.errors.size() + rejected.size());
  size_t i = 0, j = 0;
  while (i < batch.errors.size() || j < rejected.size()) {
    if (j == rejected.size() ||
        (i < batch.errors.size() && batch.errors[i].line <= rejected[j].line)) {
      outcome.rejected.push_back(batch.errors[i++]);
    } else {
      outcome.rejected.push_back(std::move(rejected[j++]));
    }
  }
  return outcome;
}

}  // namespace citynexus::connectors
