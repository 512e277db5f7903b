// The response shapes of the Reader: an entity with $select and $expand, a
// collection page with its count and nextLink, and the dataArray form of
// Observations (SensorThings 1.1 section 14.3).
#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "query/sta/reader.h"

namespace citynexus::query::sta {
namespace {

// Percent-encodes a query parameter name or value.
std::string Encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        c == '$' || c == '(' || c == ')' || c == '\'' || c == ',' || c == '/' ||
        c == ':' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// `link` with the request's parameters (but $top and $skip) and the
// $top/$skip of the next page.
std::string NextLink(
    const std::string& link,
    const std::vector<std::pair<std::string, std::string>>& params,
    uint64_t skip, uint64_t top) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (k == "$top" || k == "$skip") continue;
    q += (q.empty() ? "?" : "&") + Encode(k) + "=" + Encode(v);
  }
  q += (q.empty() ? "?" : "&") + std::string("$top=") + std::to_string(top) +
       "&$skip=" + std::to_string(skip + top);
  return link + q;
}

}  // namespace

Result<Json> Reader::RenderWith(const EntityRef& ref,
                                const QueryOptions& o) const {
  Json full = Render(ref);
  Json j;
  if (o.select.empty()) {
    j = std::move(full);
  } else {
    for (const auto& s : o.select) {
      const std::string key = (s == "id") ? "@iot.id" : s;
      if (auto it = full.find(key); it != full.end()) {
        j[key] = *it;
      } else if (auto nav = full.find(s + "@iot.navigationLink");
                 nav != full.end()) {
        j[s + "@iot.navigationLink"] = *nav;
      }
    }
    if (j.is_null()) j = Json::object();
  }
  for (const auto& item : o.expand) {
    const std::string& name = item.path[0];
    auto nav = Navigation(ref.type, name);
    if (!nav) {
      return Status::InvalidArgument(
          "$expand: " + std::string(SingularName(ref.type)) +
          " has no navigation property " + name);
    }
    const QueryOptions* own = &item.options;
    const std::string link = SelfLink(ref) + "/" + name;
    if (nav->to_one) {
      auto target = NavigateOne(ref, name);
      if (!target) {
        j[name] = nullptr;
        continue;
      }
      auto rendered = RenderWith(*target, *own);
      if (!rendered) return rendered.error();
      j[name] = std::move(*rendered);
      continue;
    }
    Result<Page> page = nav->type == EntityType::kObservation
                            ? ObservationPage(ObservationSources(ref), *own)
                            : PageOf(NavigateMany(ref, name), *own);
    if (!page) return page.error();
    Json members = Json::array();
    for (const auto& m : page->items) {
      auto rendered = RenderWith(m, *own);
      if (!rendered) return rendered.error();
      members.push_back(std::move(*rendered));
    }
    if (page->count) j[name + "@iot.count"] = *page->count;
    j[name] = std::move(members);
    if (page->more) {
      const uint64_t top = TopOf(*own);
      j[name + "@iot.nextLink"] = link + "?$top=" + std::to_string(top) +
                                  "&$skip=" + std::to_string(own->skip + top);
    }
  }
  return j;
}

Result<Json> Reader::RenderCollection(
    const Page& page, const QueryOptions& o, const std::string& link,
    const std::vector<std::pair<std::string, std::string>>& params) const {
  Json out;
  if (page.count) out["@iot.count"] = *page.count;
  Json members = Json::array();
  for (const auto& m : page.items) {
    auto rendered = RenderWith(m, o);
    if (!rendered) return rendered.error();
    members.push_back(std::move(*rendered));
  }
  out["value"] = std::move(members);
  if (page.more)
    out["@iot.nextLink"] = NextLink(link, params, o.skip, TopOf(o));
  return out;
}

Json Reader::RenderDataArray(
    const Page& page, const QueryOptions& o, const std::string& link,
    const std::vector<std::pair<std::string, std::string>>& params) const {
  std::vector<std::string> components = {"id", "phenomenonTime", "resultTime",
                                         "result"};
  if (!o.select.empty()) components = o.select;
  // One block per Datastream, in the order they first appear.
  Json blocks = Json::array();
  std::vector<std::pair<size_t, size_t>> block_of;  // datastream -> block
  for (const auto& m : page.items) {
    const size_t ds = m.observation.datastream;
    size_t b = 0;
    auto it = std::find_if(block_of.begin(), block_of.end(),
                           [ds](const auto& p) { return p.first == ds; });
    if (it == block_of.end()) {
      b = blocks.size();
      block_of.emplace_back(ds, b);
      blocks.push_back(
          {{"Datastream@iot.navigationLink",
            base_url_ + "/Datastreams(" +
                std::to_string(model_->datastreams[ds].series.id) + ")"},
           {"components", components},
           {"dataArray@iot.count", 0},
           {"dataArray", Json::array()}});
    } else {
      b = it->second;
    }
    Json full = Render(m);
    Json row = Json::array();
    for (const auto& c : components) {
      const std::string key = c == "id" ? "@iot.id" : c;
      auto f = full.find(key);
      row.push_back(f == full.end() ? Json(nullptr) : *f);
    }
    blocks[b]["dataArray"].push_back(std::move(row));
    blocks[b]["dataArray@iot.count"] = blocks[b]["dataArray"].size();
  }
  Json out;
  if (page.count) out["@iot.count"] = *page.count;
  out["value"] = std::move(blocks);
  if (page.more)
    out["@iot.nextLink"] = NextLink(link, params, o.skip, TopOf(o));
  return out;
}

}  // namespace citynexus::query::sta
