#include "connectors/decoders/entry_splitter.h"

#include <cstring>

#include "connectors/decoders/line_protocol.h"

namespace citynexus::connectors {

size_t LineProtocolSplitter::NextEntryEnd(std::string_view data, size_t from) {
  const char* const base = data.data();
  size_t i = from;
  while (i < data.size()) {
    // Fast path: at the start of a line holding no quote, no string can
    // begin, so the entry ends at the line feed.
    if (state_ == State::kLineStart) {
      const void* nl = std::memchr(base + i, '\n', data.size() - i);
      if (nl != nullptr) {
        const size_t end =
            static_cast<size_t>(static_cast<const char*>(nl) - base);
        if (std::memchr(base + i, '"', end - i) == nullptr) return end + 1;
      }
    }
    const char c = base[i++];
    if (c == '\n' && state_ != State::kString) {
      state_ = State::kLineStart;
      escape_ = false;
      return i;
    }
    switch (state_) {
      case State::kLineStart:
        if (c == '#') {
          state_ = State::kComment;
        } else if (c != ' ') {
          state_ = State::kSeries;
          escape_ = c == '\\';
        }
        break;
      case State::kComment:
        break;
      case State::kSeries:
        // Escapable here: ',' '=' ' '. "\\" escapes nothing, so the second
        // backslash may escape what follows it.
        if (escape_ && (c == ',' || c == '=' || c == ' ')) {
          escape_ = false;
        } else if (c == ' ') {
          state_ = State::kFieldKey;
        } else {
          escape_ = c == '\\';
        }
        break;
      case State::kFieldKey:
        if (escape_ && (c == ',' || c == '=' || c == ' ')) {
          escape_ = false;
        } else if (c == '=') {
          state_ = State::kFieldValue;
          value_start_ = true;
          escape_ = false;
        } else {
          escape_ = c == '\\';
        }
        break;
      case State::kFieldValue:
        if (value_start_ && c == '"') {
          state_ = State::kString;
          string_bytes_ = 0;
          escape_ = false;
        } else if (c == ',') {
          state_ = State::kFieldKey;
        } else if (c == ' ') {
          state_ = State::kTimestamp;
        }
        value_start_ = false;
        break;
      case State::kString:
        ++string_bytes_;
        if (escape_ && (c == '"' || c == '\\')) {
          escape_ = false;
        } else if (c == '"') {
          state_ = State::kAfterString;
        } else if (c == '\n' && string_bytes_ > kMaxLineProtocolTokenBytes) {
          // Too long to be valid anyway: stop following the quote.
          state_ = State::kLineStart;
          escape_ = false;
          return i;
        } else {
          escape_ = c == '\\';
        }
        break;
      case State::kAfterString:
        if (c == ',') {
          state_ = State::kFieldKey;
        } else if (c == ' ') {
          state_ = State::kTimestamp;
        } else {
          state_ = State::kFieldValue;
          value_start_ = false;
        }
        break;
      case State::kTimestamp:
        break;
    }
  }
  return std::string_view::npos;
}

size_t CsvRowSplitter::NextEntryEnd(std::string_view data, size_t from) {
  for (size_t i = from; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '"') {
      in_quotes_ = !in_quotes_;
      quoted_bytes_ = 0;
    } else if (in_quotes_ && ++quoted_bytes_ > kMaxQuotedBytes && c == '\n') {
      in_quotes_ = false;
      quoted_bytes_ = 0;
      return i + 1;
    } else if (!in_quotes_ && c == '\n') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace citynexus::connectors
