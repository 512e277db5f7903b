// `citynexus backup` and `citynexus restore`: a consistent copy of a store
// that no server holds, and putting such a copy into an empty data dir.
//
// An online backup of a RUNNING server needs the server to make the copy
// (its process holds the store); that endpoint does not exist yet, so
// backup refuses a held data dir and says so.
//
// Thread-safety: call from one thread.
#pragma once

#include "app/cmd/common.h"

namespace citynexus::app {

extern const Command kBackupCommand;
extern const Command kRestoreCommand;

}  // namespace citynexus::app
