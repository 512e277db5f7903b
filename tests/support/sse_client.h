// A blocking server-sent events client for tests: plain POSIX sockets, one
// GET per connection, decodes chunked or close-delimited bodies and splits
// them into events and comment lines.
//
// Thread-safety: one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace citynexus::testing {

struct SseEvent {
  std::string name;     // "event:" field; "message" when absent; "" comment
  std::string data;     // "data:" lines joined with '\n'
  std::string comment;  // text of a ": ..." line (name empty)
};

class SseClient {
 public:
  // Connects to 127.0.0.1:port, sends "GET target" and reads the response
  // headers. `receive_buffer_bytes` > 0 shrinks the socket's receive buffer
  // (slow-client tests); `http_version` is "1.1" or "1.0". Never null;
  // status() is 0 when the connection failed.
  static std::unique_ptr<SseClient> Open(
      uint16_t port, const std::string& target, int receive_buffer_bytes = 0,
      const std::string& http_version = "1.1");
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  int status() const { return status_; }
  // Lower-case names.
  const std::map<std::string, std::string>& headers() const { return headers_; }
  // The next event or comment; nullopt when the stream ended (eof() is then
  // true) or nothing arrived within `timeout`.
  std::optional<SseEvent> Next(std::chrono::milliseconds timeout);
  // Skips comments and events of other names until one named `name`.
  std::optional<SseEvent> NextNamed(const std::string& name,
                                    std::chrono::milliseconds timeout);
  // True once the body ended (last chunk) or the connection closed.
  bool eof() const { return eof_; }
  // True when the chunked body ended with its last chunk (a clean end).
  bool clean_end() const { return clean_end_; }
  // Closes the connection now.
  void Close();

 private:
  SseClient() = default;
  // Reads more bytes into raw_; false on EOF or timeout.
  bool Fill(std::chrono::steady_clock::time_point deadline);
  // Moves decoded body bytes from raw_ to body_.
  void Decode();

  int fd_ = -1;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  bool chunked_ = false;
  std::string raw_;   // received, not yet decoded
  std::string body_;  // decoded, not yet split into events
  bool eof_ = false;
  bool clean_end_ = false;
};

}  // namespace citynexus::testing
