// Polls a condition until it holds or a deadline passes: for tests that
// wait on another thread or process (a server starting, a poll landing).
// The deadline only bounds a failing test; passing tests never wait for it.
#pragma once

#include <chrono>
#include <functional>

namespace citynexus::testing {

// True as soon as `condition()` is; false when it still is not after
// `deadline` (checked every 5 ms, and once more at the end).
bool WaitUntil(
    const std::function<bool()>& condition,
    std::chrono::milliseconds deadline = std::chrono::milliseconds(20000));

}  // namespace citynexus::testing
