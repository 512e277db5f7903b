// Reading line protocol input (a file or stdin) in chunks of whole entries,
// for `citynexus decode` and `citynexus import`: memory stays bounded by the
// chunk size however large the input is.
//
// A chunk ends at a line feed that ends an entry, never inside one: a quoted
// string field value may hold raw line feeds (docs/formats.md), so the
// splitter follows the line protocol sections far enough to know when it is
// inside such a string. A string running past kMaxLineProtocolTokenBytes is
// rejected by the decoder anyway, so past that length a line feed ends the
// chunk again (an unterminated quote cannot swallow the rest of the input).
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connectors/connectors.h"
#include "connectors/decoders/entry_splitter.h"

namespace citynexus::app {

// The --format value of decode and import: nullopt when it is one of
// `supported`, else the usage problem ("unknown format \"xml\" (supported:
// line_protocol, csv)").
std::optional<std::string> FormatProblem(
    std::string_view format, std::initializer_list<std::string_view> supported);

// The --precision value: InfluxDB's spellings of both APIs (n ns u us ms s
// m h). kInvalidArgument naming the accepted values otherwise.
Result<connectors::Precision> ParsePrecisionFlag(std::string_view text);

// Parses a whole decimal int64 (--batch-lines, --now), optionally signed;
// nullopt when `text` is not one or does not fit.
std::optional<int64_t> ParseInt64Flag(std::string_view text);

// The splitters know the line protocol's and CSV's quoting rules, so they
// live beside the decoders (connectors/decoders/entry_splitter.h).
using connectors::CsvRowSplitter;
using connectors::LineProtocolSplitter;

// How the entries of an input end (which splitter a reader uses).
enum class EntrySyntax : uint8_t { kLineProtocol, kCsv };

// A file or stdin read in chunks of at most `max_lines` entries.
class LineChunkReader {
 public:
  // `path` "-" reads stdin. kNotFound / kIOError naming the file.
  static Result<std::unique_ptr<LineChunkReader>> Open(
      const std::string& path, size_t max_lines,
      EntrySyntax syntax = EntrySyntax::kLineProtocol);
  // The whole of `path` ("-": stdin) for formats decoded as one document.
  // kNotFound / kIOError naming the file; kResourceExhausted past
  // `max_bytes`.
  static Result<std::string> ReadAll(const std::string& path,
                                     uint64_t max_bytes);
  ~LineChunkReader();
  LineChunkReader(const LineChunkReader&) = delete;
  LineChunkReader& operator=(const LineChunkReader&) = delete;

  // The next chunk (whole entries; the last one may lack its final line
  // feed) in *chunk, valid until the next call; *lines_before is the number
  // of physical lines before it, so decoder line N is line lines_before + N
  // of the input. false at the end of the input; kIOError on a read error.
  Result<bool> Next(std::string_view* chunk, uint64_t* lines_before);

  uint64_t bytes_read() const { return bytes_read_; }
  // The input size when known (a regular file).
  std::optional<uint64_t> total_bytes() const { return total_bytes_; }

 private:
  LineChunkReader(int fd, bool owns_fd, std::string name, size_t max_lines,
                  std::optional<uint64_t> total_bytes, EntrySyntax syntax);
  // Appends up to one read's worth to buffer_; false at end of input.
  Result<bool> Fill();

  int fd_;
  bool owns_fd_;
  std::string name_;
  size_t max_lines_;
  std::optional<uint64_t> total_bytes_;
  uint64_t bytes_read_ = 0;
  bool eof_ = false;
  EntrySyntax syntax_;
  LineProtocolSplitter splitter_;
  CsvRowSplitter csv_splitter_;
  std::string buffer_;
  size_t begin_ = 0;            // start of unconsumed data in buffer_
  size_t scanned_ = 0;          // splitter position in buffer_
  uint64_t lines_emitted_ = 0;  // physical lines in chunks handed out
};

}  // namespace citynexus::app
