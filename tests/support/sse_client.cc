#include "support/sse_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "support/http_client.h"

namespace citynexus::testing {

std::unique_ptr<SseClient> SseClient::Open(uint16_t port,
                                           const std::string& target,
                                           int receive_buffer_bytes,
                                           const std::string& http_version) {
  std::unique_ptr<SseClient> client(new SseClient());
  client->fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (client->fd_ < 0) return client;
  if (receive_buffer_bytes > 0) {
    ::setsockopt(client->fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes,
                 sizeof(receive_buffer_bytes));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(client->fd_, reinterpret_cast<sockaddr*>(&addr),
                sizeof(addr)) != 0) {
    return client;
  }
  const std::string request =
      "GET " + target + " HTTP/" + http_version +
      "\r\nHost: 127.0.0.1\r\n"
      "Accept: text/event-stream\r\n" +
      (DefaultAuthorization().empty()
           ? std::string()
           : "Authorization: " + DefaultAuthorization() + "\r\n") +
      "\r\n";
  if (::send(client->fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return client;
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  size_t header_end;
  while ((header_end = client->raw_.find("\r\n\r\n")) == std::string::npos) {
    if (!client->Fill(deadline)) return client;
  }
  const std::string head = client->raw_.substr(0, header_end);
  client->raw_.erase(0, header_end + 4);
  if (head.size() < 12) return client;
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos < head.size()) {
    const size_t start = pos + 2;
    const size_t end = std::min(head.find("\r\n", start), head.size());
    const std::string line = head.substr(start, end - start);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      client->headers_[name] = line.substr(v);
    }
    pos = end < head.size() ? end : std::string::npos;
  }
  client->status_ = std::stoi(head.substr(9, 3));
  auto te = client->headers_.find("transfer-encoding");
  client->chunked_ = te != client->headers_.end() && te->second == "chunked";
  client->Decode();
  return client;
}

SseClient::~SseClient() { Close(); }

void SseClient::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool SseClient::Fill(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0 || eof_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[65536];
  const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  raw_.append(buf, static_cast<size_t>(n));
  return true;
}

void SseClient::Decode() {
  if (!chunked_) {
    body_ += raw_;
    raw_.clear();
    return;
  }
  while (!clean_end_) {
    const size_t line_end = raw_.find("\r\n");
    if (line_end == std::string::npos) return;
    const size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
    if (size == 0) {
      clean_end_ = true;
      eof_ = true;
      raw_.clear();
      return;
    }
    if (raw_.size() < line_end + 2 + size + 2) return;
    body_.append(raw_, line_end + 2, size);
    raw_.erase(0, line_end + 2 + size + 2);
  }
}

std::optional<SseEvent> SseClient::Next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const size_t end = body_.find("\n\n");
    if (end != std::string::npos) {
      const std::string block = body_.substr(0, end);
      body_.erase(0, end + 2);
      SseEvent event;
      size_t pos = 0;
      bool has_field = false;
      while (pos <= block.size()) {
        size_t nl = block.find('\n', pos);
        if (nl == std::string::npos) nl = block.size();
        const std::string line = block.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) continue;
        if (line[0] == ':') {
          event.comment =
              line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1);
          continue;
        }
        const size_t colon = line.find(':');
        const std::string field = line.substr(0, colon);
        std::string value =
            colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        has_field = true;
        if (field == "event") {
          event.name = value;
        } else if (field == "data") {
          if (!event.data.empty()) event.data += '\n';
          event.data += value;
        }
      }
      if (has_field && event.name.empty()) event.name = "message";
      return event;
    }
    if (clean_end_ || !Fill(deadline)) {
      if (eof_ && !raw_.empty()) Decode();
      return std::nullopt;
    }
    Decode();
  }
}

std::optional<SseEvent> SseClient::NextNamed(
    const std::string& name, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto event = Next(left);
    if (!event) return std::nullopt;
    if (event->name == name) return event;
  }
}

}  // namespace citynexus::testing
