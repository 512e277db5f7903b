// Gzip (RFC 1952) bodies for the HTTP server: inflating request bodies sent
// with "Content-Encoding: gzip" under a size bound, and deflating (used by
// tests and available for response compression).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace citynexus::net {

// Inflates one or more concatenated gzip members. Fails with
// kResourceExhausted as soon as the output would exceed `max_output_bytes`
// (a small "zip bomb" must not allocate gigabytes), and with kInvalidArgument
// for data that is not valid, complete gzip.
Result<std::string> GzipInflate(std::string_view compressed,
                                uint64_t max_output_bytes);

// Compresses `data` as a single gzip member at zlib's default level.
std::string GzipDeflate(std::string_view data);

}  // namespace citynexus::net
