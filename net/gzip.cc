// zlib-backed gzip inflate/deflate; see gzip.h.
#include "net/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace citynexus::net {
namespace {
// 16 + MAX_WBITS selects the gzip wrapper (not raw deflate or zlib).
constexpr int kGzipWindowBits = 16 + MAX_WBITS;
constexpr size_t kChunk = size_t{64} * 1024;

// Owns a z_stream set up for inflation; ends it on every path.
class Inflater {
 public:
  Inflater() { ok_ = inflateInit2(&zs_, kGzipWindowBits) == Z_OK; }
  ~Inflater() {
    if (ok_) {
      inflateEnd(&zs_);
    }
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream& zs() { return zs_; }

 private:
  z_stream zs_{};
  bool ok_ = false;
};
}  // namespace

Result<std::string> GzipInflate(std::string_view compressed,
                                uint64_t max_output_bytes) {
  Inflater inflater;
  if (!inflater.ok()) {
    return Status::IOError("gzip: zlib init failed");
  }
  z_stream& zs = inflater.zs();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  // A request body fits in uInt; the server bounds it far below 4 GiB.
  if (compressed.size() > std::numeric_limits<uInt>::max()) {
    return Status::ResourceExhausted("gzip: compressed body too large");
  }
  zs.avail_in = static_cast<uInt>(compressed.size());

  std::string out;
  bool member_done = false;
  while (true) {
    const size_t old_size = out.size();
    out.resize(old_size + kChunk);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
    zs.avail_out = static_cast<uInt>(kChunk);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(old_size + (kChunk - zs.avail_out));
    if (out.size() > max_output_bytes) {
      return Status::ResourceExhausted("gzip: inflated body exceeds " +
                                       std::to_string(max_output_bytes) +
                                       " bytes");
    }
    if (rc == Z_STREAM_END) {
      member_done = true;
      if (zs.avail_in == 0) {
        break;
      }
      // Another gzip member follows (allowed by RFC 1952).
      if (inflateReset(&zs) != Z_OK) {
        return Status::InvalidArgument("gzip: cannot reset stream");
      }
      member_done = false;
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      break;  // input ran out
    }
    if (rc != Z_OK) {
      return Status::InvalidArgument(std::string("gzip: invalid data: ") +
                                     (zs.msg ? zs.msg : "unknown error"));
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      break;  // needs more input
    }
  }
  if (!member_done) {
    return Status::InvalidArgument("gzip: truncated data");
  }
  return out;
}

std::string GzipDeflate(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return {};
  }
  return out;
}

}  // namespace citynexus::net
