// `citynexus serve`: wires the layers together from a Config, runs until
// SIGINT or SIGTERM, then shuts down in order.
//
// Thread-safety: call from the main thread only, before any other thread
// exists: Serve() blocks SIGINT/SIGTERM in the calling thread first so every
// thread started afterwards inherits the mask and only sigwait() in the
// calling thread receives them.
#pragma once

#include "app/config/options.h"
#include "common/status.h"

namespace citynexus::app {

// Runs the server described by `config` until SIGINT or SIGTERM, then stops
// gracefully. OK after a clean shutdown. On a failed startup (address in use,
// unusable data dir) returns the error (one line, naming what failed) after
// releasing whatever was already started. Restores the signal mask on return.
Status Serve(const Config& config);

}  // namespace citynexus::app
