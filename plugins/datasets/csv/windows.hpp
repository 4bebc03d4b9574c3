// Cutting the csv dataset's series into windows and giving each to the period that holds all its targets.
#pragma once

#include <cstddef>
#include <string>
#include <seqlab/dataset.hpp>

#include "periods.hpp"
#include "split_choice.hpp"
#include "table.hpp"

namespace seqlab::csv {

struct WindowSpec {
  std::size_t window = 1;   // input steps
  std::size_t horizon = 1;  // steps predicted at once after the last input step (target: last)
  std::size_t stride = 1;   // rows between consecutive window starts
  bool sequence = false;    // target: sequence: every step's target is the next row's
  bool skip_gaps = false;   // missing: drop: leave out every window whose inputs or targets touch a gap
  std::size_t first = 0;    // the first window's start: rows before it have no value (a difference's first rows)
};

// Windows start at rows first, first + stride, ... Inputs: rows [s, s + window). Targets (last): rows
// last + 1 ... last + horizon, output h * targets + j = target j at row last + 1 + h; (sequence): rows
// s + 1 ... s + window. A window belongs to the period holding all its target rows (its inputs may reach back
// into earlier periods); one whose targets straddle a boundary is left out. last_rows is filled.
DatasetSplits cut_windows(const Table& table, const WindowSpec& spec, const Periods& periods);

// Refuses (seqlab::ParamError) a period with a non-zero fraction that got no window, naming it, the rows it
// has and the rows one window needs there, or why its windows were all left out.
void check_periods(const DatasetSplits& splits, const Table& table, const WindowSpec& spec, const Periods& periods,
                   const SplitChoice& split);

}  // namespace seqlab::csv
