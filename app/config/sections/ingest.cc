// Options ingest.*: the HTTP write endpoints (connectors::HttpIngestOptions).
#include "app/config/fields.h"
#include "app/config/mapping_options.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {

std::vector<Option<Config>> IngestSection() {
  using namespace builders;  // NOLINT: the table reads as a list of builders
  using C = Config;
  using I = connectors::HttpIngestOptions;
  using connectors::IngestSource;
  return {
      Int<C>({"ingest.write_threads", "threads",
              "Threads that decode write requests and append them to the "
              "store, off the HTTP I/O threads."},
             2, 1, 64, Member(&C::ingest, &I::write_threads)),
      Int<C>({"ingest.max_queued_requests", "requests",
              "Write requests that may wait for a write thread; beyond that "
              "writes get 503 with Retry-After instead of growing memory."},
             64, 1, 100000, Member(&C::ingest, &I::max_queued_requests)),
      ObjectArray<C, IngestSource>(
          {"ingest.sources", "",
           "Mappings served at POST /api/v1/ingest/{name}: JSON or CSV "
           "bodies turned into points by the keys below."},
          IngestSourceOptions(true),
          [](const IngestSource& s, const std::string& where,
             ConfigErrors& errors) {
            ValidateIngestSource(s, where, true, errors);
          },
          Member(&C::ingest, &I::sources),
          UniqueKey<IngestSource>{&IngestSource::name, "name"}),
  };
}

}  // namespace citynexus::app
