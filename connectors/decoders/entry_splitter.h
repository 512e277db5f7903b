// Where an entry ends in a byte stream read in pieces: line protocol entries
// and CSV rows. A chunk of input may only end at an entry-ending line feed,
// never inside an entry, and which line feeds end one is a matter of each
// format's quoting rules (docs/formats.md), so the splitters live here, beside
// the decoders that define those rules. `citynexus decode` / `import`
// (app/cmd/line_chunks.h) read their input through them.
//
// A line protocol string field may hold raw line feeds; a string running
// past kMaxLineProtocolTokenBytes is rejected by the decoder anyway, so past
// that length a line feed ends the entry again (an unterminated quote cannot
// swallow the rest of the input). CSV likewise past kMaxQuotedBytes.
//
// Thread-safety: one thread at a time per splitter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace citynexus::connectors {

// Finds entry-ending line feeds in a byte stream fed in pieces.
class LineProtocolSplitter {
 public:
  // Scans data[from, data.size()), continuing the state the previous call
  // ended in (so `data` may grow between calls, and `from` is where the
  // previous scan stopped). Returns the offset just past the first line
  // feed that ends an entry (a blank or comment line counts as an entry),
  // or npos when `data` ends first.
  size_t NextEntryEnd(std::string_view data, size_t from);

 private:
  enum class State : uint8_t {
    kLineStart,    // spaces before the measurement
    kComment,      // after '#'
    kSeries,       // measurement and tags, up to the first unescaped space
    kFieldKey,     // up to '='
    kFieldValue,   // unquoted value, up to ',' or space
    kString,       // inside a quoted string value
    kAfterString,  // after the closing quote
    kTimestamp,    // after the fields
  };
  State state_ = State::kLineStart;
  bool escape_ = false;       // the previous byte was a backslash
  bool value_start_ = false;  // kFieldValue: no byte of the value seen yet
  size_t string_bytes_ = 0;   // bytes of the current string so far
};

// Finds row-ending line feeds of CSV (RFC 4180) fed in pieces: a line feed
// inside a quoted cell does not end the row. A quoted cell running past
// kMaxQuotedBytes is taken as an unterminated quote, and a line feed ends the
// row again (the decoder then rejects that row), so one stray quote cannot
// swallow the rest of the input into one chunk.
class CsvRowSplitter {
 public:
  static constexpr size_t kMaxQuotedBytes = 1 << 20;
  // As LineProtocolSplitter::NextEntryEnd, for CSV rows.
  size_t NextEntryEnd(std::string_view data, size_t from);

 private:
  bool in_quotes_ = false;
  size_t quoted_bytes_ = 0;
};

}  // namespace citynexus::connectors
