// Decoding `citynexus import` input chunk by chunk (app/cmd/import.cc):
// line protocol chunks decode on their own; CSV chunks after the first are
// decoded with the header row in front, so each maps its columns by name.
//
// Thread-safety: one thread at a time per object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connectors/connectors.h"

namespace citynexus::app {

// Turns one chunk of the input into points. `lines_before` is the number of
// input lines before the chunk; sets *line_offset to what must be added to
// the batch's line numbers to make them lines of the whole input. An error
// status stops the import (the input cannot be decoded at all).
class ChunkDecoder {
 public:
  virtual ~ChunkDecoder() = default;
  virtual Status Decode(std::string_view chunk, uint64_t lines_before,
                        connectors::DecodedBatch* batch,
                        uint64_t* line_offset) = 0;
};

class LineProtocolChunks : public ChunkDecoder {
 public:
  explicit LineProtocolChunks(connectors::LineProtocolOptions options)
      : options_(options) {}
  Status Decode(std::string_view chunk, uint64_t lines_before,
                connectors::DecodedBatch* batch,
                uint64_t* line_offset) override;

 private:
  connectors::LineProtocolOptions options_;
};

// CSV rows in chunks (ends from CsvRowSplitter). With `header: true` the
// first chunk must hold the header row: it is checked against the mapping
// there (a mapped column missing from it is an error for the whole import)
// and put in front of every later chunk.
class CsvChunks : public ChunkDecoder {
 public:
  CsvChunks(connectors::CsvMappingRule rule, int64_t now_ns)
      : rule_(std::move(rule)), now_ns_(now_ns) {}
  Status Decode(std::string_view chunk, uint64_t lines_before,
                connectors::DecodedBatch* batch,
                uint64_t* line_offset) override;

 private:
  // Keeps everything up to the end of the first non-blank row (BOM and
  // blank lines included) as the header and checks it.
  Status FindHeader(std::string_view chunk);

  connectors::CsvMappingRule rule_;
  int64_t now_ns_;
  std::string header_;
  uint64_t header_lines_ = 0;
  std::string with_header_;
};

}  // namespace citynexus::app
