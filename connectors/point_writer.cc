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

// The canonical key of one field of a decoded line; same escaping as
// engine::SeriesKey::Canonical() (checked by a test).
void BuildCanonical(const DecodedBatch& batch, const DecodedLine& line,
                    std::string_view field, std::string* out) {
  engine::SeriesKey key;
  key.measurement = line.measurement;
  for (const auto& tag : batch.TagsOf(line)) {
    key.tags.emplace_back(std::string(tag.key), std::string(tag.value));
  }
  key.field = field;
  *out = key.Canonical();
}

}  // namespace

PointWriter::PointWriter(engine::Store& store, std::string source)
    : store_(store), source_(std::move(source)) {}

Result<PointWriter::CachedSeries> PointWriter::Resolve(
    const std::string& canonical, const DecodedLine& line,
    const DecodedBatch& batch, std::string_view field,
    engine::ValueType type) {
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(canonical);
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
    // A new series: record where it came from. Best effort; the points
    // matter more than the metadata.
    engine::SeriesMeta meta = info->meta;
    meta.source = source_;
    (void)store_.SetSeriesMeta(info->id, meta);
  }
  CachedSeries cached{info->id, info->type};
  std::unique_lock lock(mu_);
  cache_.emplace(canonical, cached);
  return cached;
}

Result<WriteOutcome> PointWriter::Write(const DecodedBatch& batch) {
  WriteOutcome outcome;
  std::vector<engine::Point> points;
  points.reserve(batch.fields.size());
  std::vector<size_t> point_line;  // line number of each point
  point_line.reserve(batch.fields.size());
  std::vector<DecodeError> rejected;

  std::string canonical;
  for (const DecodedLine& line : batch.lines) {
    for (const DecodedField& field : batch.FieldsOf(line)) {
      auto value = ToEngineValue(field.value);
      if (!value) {
        rejected.push_back({line.line_number, DecodeElement::kFieldValue,
                            std::string(field.key), value.error().message()});
        continue;
      }
      const engine::ValueType type = EngineTypeOf(field.value.kind);
      BuildCanonical(batch, line, field.key, &canonical);
      auto series = Resolve(canonical, line, batch, field.key, type);
      if (!series) {
        rejected.push_back({line.line_number, DecodeElement::kFieldKey,
                            std::string(field.key),
                            series.error().message()});
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
      rejected.push_back({point_line[r.index], DecodeElement::kLine, "",
                          r.reason});
    }
  }

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
