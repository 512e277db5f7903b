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

// Appends the cache key of a line's series prefix (measurement and sorted
// tags) to `out`; the field part is appended per field. Cheaper than the
// canonical key: no escaping, and built once per line.
void AppendLinePrefix(const DecodedBatch& batch, const DecodedLine& line,
                      std::string* out) {
  AppendPart(*out, line.measurement);
  for (const auto& tag : batch.TagsOf(line)) {
    AppendPart(*out, tag.key);
    AppendPart(*out, tag.value);
  }
}

// What the lookup pass found for one field of a batch.
enum class Lookup : uint8_t {
  kHit,     // `series` is set
  kMiss,    // not cached (yet): resolve through the catalog
  kFailed,  // the catalog refused the series: see the failure list
};

struct FieldLookup {
  SeriesCache::Series series;
  Lookup state = Lookup::kMiss;
  uint64_t hash = 0;
  // The field's cache key in Write's `keys`: its line's prefix, then the
  // field's own part (stored once per line, not copied per field).
  size_t prefix_offset = 0;
  size_t prefix_size = 0;
  size_t part_offset = 0;
  size_t part_size = 0;
  // kFailed: index of the reason in Write's `failures`.
  uint32_t failure = 0;
};

}  // namespace

PointWriter::PointWriter(engine::Store& store, std::string source)
    : store_(store), source_(std::move(source)) {}

Result<PointWriter::CachedSeries> PointWriter::Resolve(
    uint64_t hash, std::string_view key, const DecodedLine& line,
    const DecodedBatch& batch, std::string_view field, engine::ValueType type) {
  {
    // Another thread, or an earlier field of the same batch, may have
    // resolved it since the lookup pass.
    ReaderMutexLock lock(&mu_);
    if (const CachedSeries* hit = cache_.Find(hash, key)) return *hit;
  }
  engine::SeriesKey series_key;
  series_key.measurement = line.measurement;
  for (const auto& tag : batch.TagsOf(line)) {
    series_key.tags.emplace_back(std::string(tag.key), std::string(tag.value));
  }
  series_key.field = field;
  auto info = store_.GetOrCreateSeries(series_key, type);
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
  WriterMutexLock lock(&mu_);
  cache_.Insert(hash, key, cached);
  return cached;
}

Result<WriteOutcome> PointWriter::Write(const DecodedBatch& batch) {
  WriteOutcome outcome;
  std::vector<FieldLookup> lookups(batch.fields.size());
  auto for_each_field = [&batch](auto&& visit) {
    for (size_t l = 0; l < batch.lines.size(); ++l) {
      const DecodedLine& line = batch.lines[l];
      for (uint32_t i = line.fields_begin;
           i < line.fields_begin + line.fields_count; ++i) {
        visit(l, i);
      }
    }
  };

  // Pass 1: the cache key parts of every field in `keys` (a line's prefix
  // stored and hashed once), then the lookups under one shared lock, in
  // three sweeps so the cache misses of all fields overlap
  // (SeriesCache::PrefetchSlot).
  std::string keys;
  size_t prefix_offset = 0, prefix_size = 0;
  uint64_t prefix_hash = 0;
  size_t prefix_line = batch.lines.size();
  for_each_field([&](size_t l, uint32_t i) {
    if (l != prefix_line) {
      prefix_offset = keys.size();
      AppendLinePrefix(batch, batch.lines[l], &keys);
      prefix_size = keys.size() - prefix_offset;
      prefix_hash = Hasher().HashPrefix(
          std::string_view(keys).substr(prefix_offset, prefix_size));
      prefix_line = l;
    }
    FieldLookup& lookup = lookups[i];
    lookup.prefix_offset = prefix_offset;
    lookup.prefix_size = prefix_size;
    lookup.part_offset = keys.size();
    AppendPart(keys, batch.fields[i].key);
    lookup.part_size = keys.size() - lookup.part_offset;
    lookup.hash = Hasher().HashKey(
        prefix_hash,
        std::string_view(keys).substr(lookup.part_offset, lookup.part_size));
  });
  auto prefix_of = [&keys](const FieldLookup& lookup) {
    return std::string_view(keys).substr(lookup.prefix_offset,
                                         lookup.prefix_size);
  };
  auto part_of = [&keys](const FieldLookup& lookup) {
    return std::string_view(keys).substr(lookup.part_offset, lookup.part_size);
  };
  size_t misses = 0;
  {
    ReaderMutexLock lock(&mu_);
    // The lambdas run inside this scope, under the shared lock; the
    // analysis checks each lambda on its own, so each says so.
    for_each_field([&](size_t, uint32_t i) {
      mu_.AssertReaderHeld();
      cache_.PrefetchSlot(lookups[i].hash);
    });
    for_each_field([&](size_t, uint32_t i) {
      mu_.AssertReaderHeld();
      cache_.PrefetchKey(lookups[i].hash);
    });
    for_each_field([&](size_t, uint32_t i) {
      mu_.AssertReaderHeld();
      FieldLookup& lookup = lookups[i];
      if (const CachedSeries* hit =
              cache_.Find(lookup.hash, prefix_of(lookup), part_of(lookup))) {
        lookup.series = *hit;
        lookup.state = Lookup::kHit;
      } else {
        ++misses;
      }
    });
  }

  // Pass 2 (series not cached yet): through the catalog, in line order, so
  // series are created as the fields come. Fields the store cannot take
  // get no series (pass 3 rejects them).
  std::vector<std::string> failures;  // reasons, by FieldLookup::failure
  // A store that cannot write (disk full, I/O error) fails the whole batch,
  // so callers retry it (HTTP 503, MQTT keeps the message unacknowledged)
  // instead of reporting its points as rejected data.
  Status store_failure = Status::Ok();
  if (misses > 0) {
    for_each_field([&](size_t l, uint32_t i) {
      FieldLookup& lookup = lookups[i];
      if (lookup.state != Lookup::kMiss || !store_failure.ok()) return;
      const DecodedField& field = batch.fields[i];
      if (!ToEngineValue(field.value)) return;
      std::string key(prefix_of(lookup));
      key.append(part_of(lookup));
      auto series = Resolve(lookup.hash, key, batch.lines[l], batch, field.key,
                            EngineTypeOf(field.value.kind));
      if (series) {
        lookup.series = *series;
        lookup.state = Lookup::kHit;
      } else {
        lookup.state = Lookup::kFailed;
        lookup.failure = static_cast<uint32_t>(failures.size());
        failures.push_back(series.error().message());
        const StatusCode code = series.error().code();
        if (code == StatusCode::kUnavailable || code == StatusCode::kIOError) {
          store_failure = series.error();
        }
        if (code == StatusCode::kResourceExhausted) {
          if (outcome.series_limit_dropped == 0) {
            outcome.series_limit_reason = series.error().message();
          }
          ++outcome.series_limit_dropped;
        }
      }
    });
  }

  if (!store_failure.ok()) return store_failure;

  // Pass 3: points and rejections in line and field order.
  std::vector<engine::Point> points;
  points.reserve(batch.fields.size());
  std::vector<size_t> point_line;  // line number of each point
  point_line.reserve(batch.fields.size());
  std::vector<DecodeError> rejected;
  for (const DecodedLine& line : batch.lines) {
    for (uint32_t i = line.fields_begin;
         i < line.fields_begin + line.fields_count; ++i) {
      const DecodedField& field = batch.fields[i];
      auto value = ToEngineValue(field.value);
      if (!value) {
        rejected.push_back({line.line_number, DecodeElement::kFieldValue,
                            std::string(field.key), value.error().message()});
        continue;
      }
      const FieldLookup& lookup = lookups[i];
      if (lookup.state != Lookup::kHit) {
        std::string reason = lookup.state == Lookup::kFailed
                                 ? failures[lookup.failure]
                                 : std::string("series not resolved");
        rejected.push_back({line.line_number, DecodeElement::kFieldKey,
                            std::string(field.key), std::move(reason)});
        continue;
      }
      const engine::ValueType type = EngineTypeOf(field.value.kind);
      if (lookup.series.type != type) {
        rejected.push_back(
            {line.line_number, DecodeElement::kFieldValue,
             std::string(field.key),
             "field type conflict: " + std::string(field.key) + " is " +
                 std::string(engine::ValueTypeName(lookup.series.type)) +
                 ", got " + std::string(engine::ValueTypeName(type))});
        continue;
      }
      points.push_back(
          {lookup.series.id, line.timestamp_ns, std::move(*value)});
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
