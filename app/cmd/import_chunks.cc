#include "app/cmd/import_chunks.h"

#include <algorithm>

#include "app/cmd/line_chunks.h"

namespace citynexus::app {

Status LineProtocolChunks::Decode(std::string_view chunk, uint64_t lines_before,
                                  connectors::DecodedBatch* batch,
                                  uint64_t* line_offset) {
  connectors::DecodeLineProtocol(chunk, options_, batch);
  *line_offset = lines_before;
  return Status::Ok();
}

Status CsvChunks::Decode(std::string_view chunk, uint64_t lines_before,
                         connectors::DecodedBatch* batch,
                         uint64_t* line_offset) {
  if (!rule_.header) {
    *line_offset = lines_before;
    return connectors::DecodeMappedCsv(chunk, rule_, now_ns_, batch);
  }
  if (lines_before == 0) {
    if (Status s = FindHeader(chunk); !s.ok()) return s;
    *line_offset = 0;
    return connectors::DecodeMappedCsv(chunk, rule_, now_ns_, batch);
  }
  with_header_.assign(header_);
  with_header_.append(chunk);
  // Line N of `with_header_` is line N - header_lines_ of the chunk.
  *line_offset = lines_before - header_lines_;
  return connectors::DecodeMappedCsv(with_header_, rule_, now_ns_, batch);
}

Status CsvChunks::FindHeader(std::string_view chunk) {
  CsvRowSplitter splitter;
  size_t from = 0;
  while (from < chunk.size()) {
    size_t end = splitter.NextEntryEnd(chunk, from);
    if (end == std::string_view::npos) end = chunk.size();
    std::string_view row = chunk.substr(from, end - from);
    if (row.substr(0, 3) == "\xEF\xBB\xBF") row.remove_prefix(3);
    if (row.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      header_.assign(chunk.substr(0, end));
      if (header_.back() != '\n') header_.push_back('\n');
      header_lines_ = static_cast<uint64_t>(
          std::count(header_.begin(), header_.end(), '\n'));
      // A bad header would reject every row of every chunk: say it once.
      connectors::DecodedBatch check;
      if (Status s =
              connectors::DecodeMappedCsv(header_, rule_, now_ns_, &check);
          !s.ok()) {
        return s;
      }
      if (!check.errors.empty()) {
        return Status::InvalidArgument(check.errors.front().ToString());
      }
      return Status::Ok();
    }
    from = end;
  }
  return Status::InvalidArgument(
      "no header row in the first chunk (the mapping says \"header\": "
      "true)");
}

}  // namespace citynexus::app
