#include "app/cmd/line_chunks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "connectors/connectors.h"

namespace citynexus::app {
namespace {

// Bytes asked from the OS per read.
constexpr size_t kReadBytes = 1 << 20;

}  // namespace

std::optional<std::string> FormatProblem(
    std::string_view format,
    std::initializer_list<std::string_view> supported) {
  std::string listed;
  for (std::string_view name : supported) {
    if (format == name) return std::nullopt;
    listed.append(listed.empty() ? "" : ", ").append(name);
  }
  return "unknown format \"" + std::string(format) +
         "\" (supported: " + listed + ")";
}

Result<connectors::Precision> ParsePrecisionFlag(std::string_view text) {
  if (Result<connectors::Precision> v1 =
          connectors::ParsePrecision(text, true)) {
    return v1;
  }
  if (Result<connectors::Precision> v2 =
          connectors::ParsePrecision(text, false)) {
    return v2;
  }
  return Status::InvalidArgument("precision \"" + std::string(text) +
                                 "\" must be one of ns, us, ms, s, m, h "
                                 "(or n, u)");
}

std::optional<int64_t> ParseInt64Flag(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

Result<std::unique_ptr<LineChunkReader>> LineChunkReader::Open(
    const std::string& path, size_t max_lines, EntrySyntax syntax) {
  if (path == "-") {
    return std::unique_ptr<LineChunkReader>(new LineChunkReader(
        STDIN_FILENO, false, "stdin", max_lines, std::nullopt, syntax));
  }
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    std::string message = "cannot open " + path + ": " + std::strerror(e);
    if (e == ENOENT) return Status::NotFound(std::move(message));
    return Status::IOError(std::move(message));
  }
  struct stat st {};
  std::optional<uint64_t> total;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      close(fd);
      return Status::IOError("cannot read " + path + ": is a directory");
    }
    if (S_ISREG(st.st_mode)) total = static_cast<uint64_t>(st.st_size);
  }
  return std::unique_ptr<LineChunkReader>(
      new LineChunkReader(fd, true, path, max_lines, total, syntax));
}

Result<std::string> LineChunkReader::ReadAll(const std::string& path,
                                             uint64_t max_bytes) {
  Result<std::unique_ptr<LineChunkReader>> reader = Open(path, 1);
  if (!reader) return reader.error();
  while (true) {
    Result<bool> more = (*reader)->Fill();
    if (!more) return more.error();
    if (!*more) break;
    if ((*reader)->buffer_.size() > max_bytes) {
      return Status::ResourceExhausted(
          (*reader)->name_ + " is larger than " + std::to_string(max_bytes) +
          " bytes, the most decoded as one document");
    }
  }
  return std::move((*reader)->buffer_);
}

LineChunkReader::LineChunkReader(int fd, bool owns_fd, std::string name,
                                 size_t max_lines,
                                 std::optional<uint64_t> total_bytes,
                                 EntrySyntax syntax)
    : fd_(fd),
      owns_fd_(owns_fd),
      name_(std::move(name)),
      max_lines_(std::max<size_t>(max_lines, 1)),
      total_bytes_(total_bytes),
      syntax_(syntax) {}

LineChunkReader::~LineChunkReader() {
  if (owns_fd_) close(fd_);
}

Result<bool> LineChunkReader::Fill() {
  // Drop what was handed out before growing (the previous chunk's view
  // dies with this call by contract).
  if (begin_ > 0) {
    buffer_.erase(0, begin_);
    scanned_ -= begin_;
    begin_ = 0;
  }
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadBytes);
  ssize_t n;
  do {
    n = read(fd_, buffer_.data() + old_size, kReadBytes);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    buffer_.resize(old_size);
    return Status::IOError("reading " + name_ + ": " + std::strerror(errno));
  }
  buffer_.resize(old_size + static_cast<size_t>(n));
  bytes_read_ += static_cast<uint64_t>(n);
  return n > 0;
}

Result<bool> LineChunkReader::Next(std::string_view* chunk,
                                   uint64_t* lines_before) {
  begin_ = scanned_;  // the previous chunk is consumed
  size_t entries = 0;
  while (entries < max_lines_) {
    const size_t end = syntax_ == EntrySyntax::kCsv
                           ? csv_splitter_.NextEntryEnd(buffer_, scanned_)
                           : splitter_.NextEntryEnd(buffer_, scanned_);
    if (end != std::string_view::npos) {
      scanned_ = end;
      ++entries;
      continue;
    }
    scanned_ = buffer_.size();
    if (eof_) break;
    Result<bool> more = Fill();
    if (!more) return more.error();
    eof_ = !*more;
  }
  *chunk = std::string_view(buffer_).substr(begin_, scanned_ - begin_);
  if (chunk->empty()) return false;
  *lines_before = lines_emitted_;
  lines_emitted_ +=
      static_cast<uint64_t>(std::count(chunk->begin(), chunk->end(), '\n'));
  return true;
}

}  // namespace citynexus::app
