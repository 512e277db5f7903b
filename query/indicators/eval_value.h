// Values flowing through the evaluator: a scalar or an instant vector,
// evaluated for all steps at once (columnar), each cell with its coverage.
//
// Thread-safety: plain value types.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace citynexus::query::indicators {

enum class CellState : uint8_t {
  kNone,    // no element at this step (filtered out, or series unknown)
  kAbsent,  // the element exists but has no data in its window
  kValue,
};

struct Cell {
  double value = 0;
  double coverage = 0;  // 0..1, share of expected input points present
  CellState state = CellState::kNone;
};

using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted

struct Row {
  Labels labels;
  std::vector<Cell> cells;  // one per step
};

// A scalar has exactly one row with empty labels.
struct Value {
  bool scalar = false;
  std::vector<Row> rows;
};

}  // namespace citynexus::query::indicators
