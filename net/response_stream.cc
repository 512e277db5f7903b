// ResponseStream and Response::Stream (net/net.h); the sending side lives
// in HttpSession (http_session_stream.cc).
#include "net/response_stream.h"

#include <algorithm>

#include "net/http_session.h"

namespace citynexus::net {

Response Response::Stream(std::string content_type, size_t max_buffered_bytes,
                          std::function<void(ResponseStream)> on_open) {
  Response r;
  r.status = 200;
  r.content_type = std::move(content_type);
  r.on_stream_open = std::move(on_open);
  r.stream_max_buffered_bytes = std::max<size_t>(max_buffered_bytes, 1);
  return r;
}

void ResponseStream::State::SchedulePump(bool needed) {
  if (!needed) {
    return;
  }
  MutexLock lock(&gate->mu);
  if (!gate->open) {
    return;  // server stopped: the session is gone or going
  }
  if (auto owner = session.lock()) {
    owner->PostStreamPump();
  }
}

ResponseStream::ResponseStream(std::shared_ptr<State> state)
    : state_(std::move(state)) {}

bool ResponseStream::Write(std::string_view bytes) {
  bool post = false;
  {
    MutexLock lock(&state_->mu);
    if (state_->closing) {
      return false;
    }
    if (state_->queued.size() + state_->in_write + bytes.size() >
        state_->max_buffered_bytes) {
      return false;
    }
    state_->queued.append(bytes);
    post = !state_->pump_posted;
    state_->pump_posted = true;
  }
  state_->SchedulePump(post);
  return true;
}

void ResponseStream::CloseWith(std::string_view last_bytes) {
  bool post = false;
  {
    MutexLock lock(&state_->mu);
    if (state_->closing) {
      return;
    }
    state_->closing = true;
    state_->queued.append(last_bytes);
    post = !state_->pump_posted;
    state_->pump_posted = true;
  }
  state_->SchedulePump(post);
}

bool ResponseStream::closed() const {
  MutexLock lock(&state_->mu);
  return state_->closing;
}

size_t ResponseStream::buffered_bytes() const {
  MutexLock lock(&state_->mu);
  return state_->queued.size() + state_->in_write;
}

}  // namespace citynexus::net
