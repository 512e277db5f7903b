// Reading points for a SELECT: scans of a tag set's fields into rows by
// time, the row filter, raw rows in InfluxDB order, and the points of one
// field over a group for aggregation.
#include <algorithm>

#include "query/influxql/select_run.h"

namespace citynexus::query::influxql::detail {

Status SelectRun::CountPoints(size_t n) {
  if (guard_ != nullptr) CITYNEXUS_RETURN_IF_ERROR(guard_->Check());
  points_read_ += n;
  if (points_read_ > limits_.max_points) {
    return Status::ResourceExhausted("query reads more than " +
                                     std::to_string(limits_.max_points) +
                                     " points; the limit is query.max_points");
  }
  return Status::Ok();
}

// Field values of one tag set by timestamp, for the named fields.
Status SelectRun::LoadRows(
    const TagSet& ts, const std::vector<std::string>& fields,
    std::map<int64_t, std::vector<const engine::Value*>>* rows,
    std::vector<std::vector<engine::Sample>>* storage) {
  storage->assign(fields.size(), {});
  for (size_t i = 0; i < fields.size(); ++i) {
    auto it = ts.fields.find(fields[i]);
    if (it == ts.fields.end()) continue;
    auto& samples = (*storage)[i];
    CITYNEXUS_RETURN_IF_ERROR(store_.Scan(it->second->id, range_.min_ns,
                                          EndExclusive(),
                                          [&](const engine::Sample& p) {
                                            samples.push_back(p);
                                            return true;
                                          }));
    CITYNEXUS_RETURN_IF_ERROR(CountPoints(samples.size()));
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    for (const auto& p : (*storage)[i]) {
      auto& row = (*rows)[p.timestamp_ns];
      row.resize(fields.size(), nullptr);
      row[i] = &p.value;
    }
  }
  return Status::Ok();
}

int64_t SelectRun::EndExclusive() const {
  return range_.max_ns == INT64_MAX ? INT64_MAX : range_.max_ns + 1;
}

bool SelectRun::RowPasses(const TagSet& ts,
                          const std::vector<std::string>& fields,
                          const std::vector<const engine::Value*>& row) const {
  if (row_filter_.empty()) return true;
  FieldLookup lookup = [&](const std::string& name) -> const engine::Value* {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i] == name) return row[i];
    }
    return nullptr;
  };
  return row_filter_.MatchesRow(ts.tags, lookup);
}

Status SelectRun::Raw(const Group& g, const std::vector<Column>& cols,
                      ResultRows* out) {
  // Fields to read: the selected ones, then those the filter needs.
  std::vector<std::string> fields;
  for (const auto& c : cols) {
    if (c.cast == "field") fields.push_back(c.field);
  }
  const size_t selected = fields.size();
  for (const auto& f : row_filter_.fields()) fields.push_back(f);
  struct Row {
    int64_t t;
    size_t member;
    std::vector<Cell> cells;
  };
  std::vector<Row> rows;
  for (size_t m = 0; m < g.members.size(); ++m) {
    const TagSet& ts = *g.members[m];
    std::map<int64_t, std::vector<const engine::Value*>> by_time;
    std::vector<std::vector<engine::Sample>> storage;
    CITYNEXUS_RETURN_IF_ERROR(LoadRows(ts, fields, &by_time, &storage));
    for (const auto& [t, values] : by_time) {
      bool any = false;
      for (size_t i = 0; i < selected; ++i) any = any || values[i];
      if (!any || !RowPasses(ts, fields, values)) continue;
      Row r{t, m, {}};
      r.cells.push_back(t);
      size_t fi = 0;
      for (const auto& c : cols) {
        if (c.cast == "field") {
          const engine::Value* v = values[fi++];
          r.cells.push_back(
              v ? std::visit([](const auto& x) -> Cell { return x; }, *v)
                : Cell());
        } else {
          Cell tag;
          for (const auto& [k, v] : ts.tags) {
            if (k == c.field) tag = v;
          }
          r.cells.push_back(std::move(tag));
        }
      }
      rows.push_back(std::move(r));
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.t < b.t; });
  // Descending is the exact reverse: same-time rows of several series
  // come in reverse series order too, as in InfluxDB.
  if (s_.descending) std::reverse(rows.begin(), rows.end());
  for (size_t i = static_cast<size_t>(s_.offset); i < rows.size(); ++i) {
    if (s_.limit > 0 && out->values.size() >= static_cast<size_t>(s_.limit)) {
      break;
    }
    out->values.push_back(std::move(rows[i].cells));
  }
  return Status::Ok();
}

// Points of `field` over the group's members, ascending by time (stable
// across members), with the row filter applied.
Status SelectRun::GroupPoints(const Group& g, const std::string& field,
                              std::vector<TimedValue>* points) {
  size_t sources = 0;  // series that contributed points
  for (const TagSet* ts : g.members) {
    auto it = ts->fields.find(field);
    if (it == ts->fields.end()) continue;
    if (!row_filter_.uses_fields()) {
      size_t before = points->size();
      CITYNEXUS_RETURN_IF_ERROR(
          store_.Scan(it->second->id, range_.min_ns, EndExclusive(),
                      [&](const engine::Sample& p) {
                        points->push_back({p.timestamp_ns, p.value});
                        return true;
                      }));
      CITYNEXUS_RETURN_IF_ERROR(CountPoints(points->size() - before));
      if (points->size() > before) ++sources;
      continue;
    }
    std::vector<std::string> fields{field};
    for (const auto& f : row_filter_.fields()) fields.push_back(f);
    std::map<int64_t, std::vector<const engine::Value*>> by_time;
    std::vector<std::vector<engine::Sample>> storage;
    CITYNEXUS_RETURN_IF_ERROR(LoadRows(*ts, fields, &by_time, &storage));
    const size_t before = points->size();
    for (const auto& [t, values] : by_time) {
      if (values[0] && RowPasses(*ts, fields, values)) {
        points->push_back({t, *values[0]});
      }
    }
    if (points->size() > before) ++sources;
  }
  // One series' points arrive ascending already.
  if (sources <= 1) return Status::Ok();
  std::stable_sort(points->begin(), points->end(),
                   [](const TimedValue& a, const TimedValue& b) {
                     return a.time_ns < b.time_ns;
                   });
  return Status::Ok();
}

}  // namespace citynexus::query::influxql::detail
