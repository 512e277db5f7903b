// Counter, Histogram and MetricsRegistry (declared in net/net.h), rendered
// in the Prometheus text exposition format 0.0.4:
//
//   # HELP citynexus_http_requests_total HTTP requests served.
//   # TYPE citynexus_http_requests_total counter
//   citynexus_http_requests_total{method="GET",route="/healthz",status="200"} 3
//
// Families render in registration order, series within a family sorted by
// label set, so consecutive scrapes diff cleanly.
#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <map>

#include "common/log.h"
#include "net/net.h"

namespace citynexus::net {
namespace {
// Label sets are normalised (sorted by name) so {a,b} and {b,a} are one
// series.
Labels Normalise(Labels labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

// Prometheus float text: shortest round-trip form, "+Inf", "-Inf", "NaN".
void AppendValue(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) {
    out += "NaN";
    return;
  }
  out.append(buf, end);
}

// Label values escape backslash, double quote and newline.
void AppendLabelValue(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

// HELP text escapes backslash and newline only.
void AppendHelp(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

// `{a="1",b="2"}`, with an optional extra label appended (the histogram
// `le`); nothing at all for an empty set.
void AppendLabels(std::string& out, const Labels& labels,
                  std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) {
    return;
  }
  out.push_back('{');
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    out += name;
    out += "=\"";
    AppendLabelValue(out, value);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) {
      out.push_back(',');
    }
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}
}  // namespace

// ---- Histogram ----

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  // +Inf is implicit (the last bucket); NaN bounds are meaningless.
  bounds_.erase(std::remove_if(bounds_.begin(), bounds_.end(),
                               [](double b) { return !std::isfinite(b); }),
                bounds_.end());
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::Observe(double value) {
  // Bucket i counts values <= bounds_[i] (Prometheus `le` semantics).
  const size_t i = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) -
      bounds_.begin());
  MutexLock lock(&mu_);
  ++counts_[i];
  sum_ += value;
  ++count_;
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  MutexLock lock(&mu_);
  s.bounds = bounds_;
  s.cumulative.resize(counts_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    running += counts_[i];
    s.cumulative[i] = running;
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

// ---- MetricsRegistry ----

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  const char* type = "";  // "counter", "gauge", "histogram"
  // False for a family created after a type clash: its metrics work but are
  // not exported, so a programming error cannot corrupt /metrics.
  bool exported = true;
  std::map<Labels, std::unique_ptr<Counter>> values;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
  std::map<Labels, std::function<double()>> callbacks;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family* MetricsRegistry::FamilyFor(const std::string& name,
                                                    const std::string& help,
                                                    const char* type) {
  for (auto& f : families_) {
    if (f->name != name || !f->exported) {
      continue;
    }
    if (std::string_view(f->type) == type) {
      return f.get();
    }
    CN_LOG(kError, "metrics")
        << "metric " << name << " registered as " << f->type << " and again as "
        << type << "; the second is not exported";
    assert(false && "metric registered with two types");
    auto detached = std::make_unique<Family>();
    detached->name = name;
    detached->type = type;
    detached->exported = false;
    families_.push_back(std::move(detached));
    return families_.back().get();
  }
  auto family = std::make_unique<Family>();
  family->name = name;
  family->help = help;
  family->type = type;
  families_.push_back(std::move(family));
  return families_.back().get();
}

Counter* MetricsRegistry::GetCounter(const std::string& name,
                                     const std::string& help,
                                     const Labels& labels) {
  MutexLock lock(&mu_);
  Family* f = FamilyFor(name, help, "counter");
  auto& slot = f->values[Normalise(labels)];
  if (!slot) {
    slot = std::make_unique<Counter>();
  }
  return slot.get();
}

Counter* MetricsRegistry::GetGauge(const std::string& name,
                                   const std::string& help,
                                   const Labels& labels) {
  MutexLock lock(&mu_);
  Family* f = FamilyFor(name, help, "gauge");
  auto& slot = f->values[Normalise(labels)];
  if (!slot) {
    slot = std::make_unique<Counter>();
  }
  return slot.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name,
                                         const std::string& help,
                                         const std::vector<double>& bounds,
                                         const Labels& labels) {
  MutexLock lock(&mu_);
  Family* f = FamilyFor(name, help, "histogram");
  auto& slot = f->histograms[Normalise(labels)];
  // The first registration fixes the bounds; later calls share its buckets.
  if (!slot) {
    slot = std::make_unique<Histogram>(bounds);
  }
  return slot.get();
}

void MetricsRegistry::AddCallbackGauge(const std::string& name,
                                       const std::string& help,
                                       std::function<double()> read,
                                       const Labels& labels) {
  MutexLock lock(&mu_);
  Family* f = FamilyFor(name, help, "gauge");
  f->callbacks[Normalise(labels)] = std::move(read);  // replaces an older one
}

std::string MetricsRegistry::Render() const {
  std::string out;
  MutexLock lock(&mu_);
  for (const auto& f : families_) {
    if (!f->exported) {
      continue;
    }
    out += "# HELP ";
    out += f->name;
    out.push_back(' ');
    AppendHelp(out, f->help);
    out += "\n# TYPE ";
    out += f->name;
    out.push_back(' ');
    out += f->type;
    out.push_back('\n');

    // Plain counters/gauges and callback gauges share one sorted order; a
    // callback wins over a plain gauge with the same labels.
    std::map<Labels, double> samples;
    for (const auto& [labels, metric] : f->values) {
      samples[labels] = metric->Value();
    }
    for (const auto& [labels, read] : f->callbacks) {
      samples[labels] = read ? read() : 0.0;
    }
    for (const auto& [labels, value] : samples) {
      out += f->name;
      AppendLabels(out, labels);
      out.push_back(' ');
      AppendValue(out, value);
      out.push_back('\n');
    }

    for (const auto& [labels, histogram] : f->histograms) {
      const Histogram::Snapshot s = histogram->Read();
      for (size_t i = 0; i < s.cumulative.size(); ++i) {
        std::string le;
        if (i < s.bounds.size()) {
          AppendValue(le, s.bounds[i]);
        } else {
          le = "+Inf";
        }
        out += f->name;
        out += "_bucket";
        AppendLabels(out, labels, "le", le);
        out.push_back(' ');
        out += std::to_string(s.cumulative[i]);
        out.push_back('\n');
      }
      out += f->name;
      out += "_sum";
      AppendLabels(out, labels);
      out.push_back(' ');
      AppendValue(out, s.sum);
      out.push_back('\n');
      out += f->name;
      out += "_count";
      AppendLabels(out, labels);
      out.push_back(' ');
      out += std::to_string(s.count);
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace citynexus::net
