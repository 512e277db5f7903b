// `citynexus decode`: shows what a payload decodes to, without a store: one
// JSON line per decoded point and one per rejected line or record, for every
// payload format citynexus ingests.
//
// Thread-safety: call from one thread.
#pragma once

#include "app/cmd/common.h"

namespace citynexus::app {

extern const Command kDecodeCommand;

}  // namespace citynexus::app
