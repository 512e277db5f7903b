// `citynexus token create|list|revoke`: API tokens (docs/security.md).
//
// Offline on a data dir (--data-dir D or --config F; works while `serve`
// holds the store, since tokens live in D/tokens.json) or online against a
// running server (--server HOST:PORT with an admin token from --token-file
// FILE, --token SECRET, or D/admin.token when --data-dir is given too).
// `create` prints the secret alone on stdout; details go to stderr.
//
// Thread-safety: call from one thread.
#pragma once

#include "app/cmd/common.h"

namespace citynexus::app {

extern const Command kTokenCommand;

}  // namespace citynexus::app
