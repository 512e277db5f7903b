// Options storage.*: the embedded store (engine::StoreOptions) and its
// retention rules (engine::RetentionRule).
#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {
namespace {

using namespace builders;  // NOLINT: the table reads as a list of builders
constexpr seconds kMinute{60};
constexpr seconds kDay{86400};

std::vector<Option<engine::RetentionRule>> RetentionRuleOptions() {
  using R = engine::RetentionRule;
  return {
      String<R>({"measurement", "",
                 "Glob (`*`, `?`) over measurement names this rule applies "
                 "to."},
                std::nullopt, Member(&R::measurement_glob)),
      String<R>({"domain", "",
                 "Series domain this rule applies to (`mobility`, `energy`, "
                 "`water`, ...)."},
                std::nullopt, Member(&R::domain)),
      Duration<R>(
          {"raw", "", "How long raw points are kept; absent = forever."},
          std::nullopt, kMinute, 520 * 7 * kDay, Member(&R::raw_max_age)),
      Duration<R>(
          {"rollups", "", "How long rollups are kept; absent = forever."},
          std::nullopt, kMinute, 520 * 7 * kDay, Member(&R::rollup_max_age)),
  };
}

void ValidateRetentionRule(const engine::RetentionRule& r,
                           const std::string& where, ConfigErrors& errors) {
  if (r.measurement_glob.empty() && r.domain.empty()) {
    errors.Add(where,
               "expected \"measurement\" or \"domain\" (which series the rule "
               "applies to), got neither");
  }
}

}  // namespace

std::vector<Option<Config>> StorageSection() {
  using C = Config;
  using S = engine::StoreOptions;
  using engine::SyncMode;
  return {
      Enum<C>(
          {"storage.sync", "",
           "When an acknowledged write is safe against power loss: "
           "\"always\" fsyncs before acknowledging (concurrent writes "
           "share one fsync); \"interval\" fsyncs every "
           "storage.sync_interval_ms (a process crash still loses "
           "nothing)."},
          "interval",
          {{"always", SyncMode::kAlways}, {"interval", SyncMode::kInterval}},
          Member(&C::storage, &S::sync)),
      Int<C>({"storage.sync_interval_ms", "ms",
              "Longest time between fsyncs with storage.sync \"interval\"."},
             1000, 1, 60000, Member(&C::storage, &S::sync_interval)),
      DurationList<C>(
          {"storage.rollups", "",
           "Rollup bucket widths kept per series (count, sum, min, max, "
           "first, last). Each must divide storage.block_window; no "
           "duplicates."},
          {"1h", "1d"}, seconds(1), 30 * kDay,
          Member(&C::storage, &S::rollup_resolutions)),
      Duration<C>({"storage.block_window", "",
                   "Time span of one sealed, compressed block per series "
                   "(epoch-aligned)."},
                  "1d", kMinute, 30 * kDay,
                  Member(&C::storage, &S::block_window)),
      // Declared in MiB, kept in bytes: a scaled binding, written out.
      IntegerOption<C>(
          {"storage.rollup_cache_mb", "MiB",
           "Memory for the decoded daily rollups (the coarsest resolution) "
           "of recently read series: long-range aggregates, indicators and "
           "last() read them from memory. About 30 kB per series and year. 0 "
           "turns the cache off."},
          256, 0, 1 << 20,
          [](C& c, int64_t v) {
            c.storage.rollup_cache_bytes = static_cast<size_t>(v) << 20;
          },
          [](const C& c) {
            return static_cast<int64_t>(c.storage.rollup_cache_bytes >> 20);
          }),
      ObjectArray<C, engine::RetentionRule>(
          {"storage.retention", "",
           "Retention rules; the first rule matching a series applies (by "
           "measurement glob or domain). Series no rule matches keep "
           "everything."},
          RetentionRuleOptions(), ValidateRetentionRule,
          Member(&C::storage, &S::retention)),
      Int<C>({"storage.max_series", "series",
              "Most series the store holds; points that would create another "
              "are rejected (partial write \"max_series ... dropped=N\"), "
              "existing series keep accepting points. 0 = no limit."},
             1000000, 0, int64_t{1} << 40, Member(&C::storage, &S::max_series)),
      Int<C>({"storage.max_series_per_measurement", "series",
              "Most series of one measurement; like storage.max_series, per "
              "measurement. 0 = no limit."},
             100000, 0, int64_t{1} << 40,
             Member(&C::storage, &S::max_series_per_measurement)),
  };
}

}  // namespace citynexus::app
