// The shared state behind a ResponseStream handle (net/net.h): the bytes
// waiting to be sent and the flags the writer side (any thread) and the
// connection's strand agree on under one mutex.
//
// Writers append to `queued` and, when no pump is pending, post one to the
// session's strand (through the response gate, so nothing is posted into a
// stopped server). The session takes all of `queued` per socket write, so a
// burst of small events becomes one write.
//
// Thread-safety: every field below `mu` is guarded by it.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "net/net.h"
#include "net/server_context.h"

namespace citynexus::net {

class HttpSession;

struct ResponseStream::State {
  State(size_t max_bytes, std::shared_ptr<ResponseGate> response_gate,
        std::weak_ptr<HttpSession> owner)
      : max_buffered_bytes(max_bytes),
        gate(std::move(response_gate)),
        session(std::move(owner)) {}

  const size_t max_buffered_bytes;
  const std::shared_ptr<ResponseGate> gate;
  const std::weak_ptr<HttpSession> session;

  Mutex mu;
  std::string queued GUARDED_BY(mu);        // not yet taken by the session
  size_t in_write GUARDED_BY(mu) = 0;       // taken, socket write in progress
  bool pump_posted GUARDED_BY(mu) = false;  // a pump is queued on the strand
  bool closing GUARDED_BY(mu) = false;  // CloseWith() called, or session closed
  bool closed GUARDED_BY(mu) = false;   // the session is done with the socket

  // Posts a pump to the session unless one is pending. Call without `mu`.
  void SchedulePump(bool needed) EXCLUDES(mu);
};

}  // namespace citynexus::net
