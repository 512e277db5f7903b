#include "connectors/series_meta_applier.h"

#include "common/log.h"

namespace citynexus::connectors {

void SeriesMetaApplier::Apply(const DecodedBatch& batch,
                              const std::string& unit,
                              const std::string& domain) {
  if (unit.empty() && domain.empty() && batch.series_meta.empty()) return;
  for (uint32_t line_index = 0; line_index < batch.lines.size(); ++line_index) {
    const DecodedLine& line = batch.lines[line_index];
    engine::SeriesKey key;
    key.measurement = line.measurement;
    for (const DecodedTag& tag : batch.TagsOf(line)) {
      key.tags.emplace_back(std::string(tag.key), std::string(tag.value));
    }
    for (const DecodedField& field : batch.FieldsOf(line)) {
      key.field = field.key;
      std::string canonical = key.Canonical();
      if (done_.count(canonical) != 0) continue;
      auto info = store_.LookupSeries(canonical);
      if (!info) continue;  // a rejected field has no series
      engine::SeriesMeta meta = info->meta;
      bool changed = batch.ApplySeriesMeta(line_index, field.key, &meta);
      if (meta.unit.empty() && !unit.empty()) {
        meta.unit = unit;
        changed = true;
      }
      if (meta.domain.empty() && !domain.empty()) {
        meta.domain = domain;
        changed = true;
      }
      if (changed) {
        Status s = store_.SetSeriesMeta(info->id, meta);
        if (!s.ok()) {
          CN_LOG(kWarn, component_)
              << "series metadata of " << canonical << ": " << s.ToString();
          continue;  // try again with the next batch
        }
      }
      done_.insert(std::move(canonical));
    }
  }
}

}  // namespace citynexus::connectors
