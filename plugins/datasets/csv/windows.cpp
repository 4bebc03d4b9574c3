// Cutting the csv dataset's series into windows and giving each to the period that holds all its targets.
#include "windows.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <seqlab/params.hpp>
#include <vector>

namespace seqlab::csv {

namespace {

struct TargetRows {
  std::size_t first, last;  // inclusive
};

TargetRows target_rows(std::size_t start, const WindowSpec& spec) {
  if (spec.sequence) return {start + 1, start + spec.window};
  const std::size_t last_input = start + spec.window - 1;
  return {last_input + 1, last_input + spec.horizon};
}

// Prefix counts of rows that have a gap in any of `columns`, so a window's check is two subtractions.
std::vector<std::size_t> gap_counts(const Table& table, const std::vector<std::size_t>& columns) {
  std::vector<std::size_t> counts(table.rows() + 1, 0);
  for (std::size_t r = 0; r < table.rows(); ++r) {
    bool gap = false;
    for (std::size_t c : columns) gap = gap || std::isnan(table.columns[c].values[r]);
    counts[r + 1] = counts[r] + gap;
  }
  return counts;
}

// Per window start (index / stride): its period, or -1 when its targets straddle a boundary or it touches a gap.
std::vector<int> assign(const Table& table, const WindowSpec& spec, const Periods& periods, bool skip_gaps) {
  std::vector<int> owner;
  std::vector<std::size_t> input_gaps, target_gaps;
  if (skip_gaps) {
    input_gaps = gap_counts(table, table.inputs);
    target_gaps = gap_counts(table, table.targets);
  }
  for (std::size_t s = spec.first;; s += spec.stride) {
    const TargetRows t = target_rows(s, spec);
    if (t.last >= table.rows()) break;
    int period = periods.of(t.first);
    if (periods.of(t.last) != period) period = -1;
    const std::size_t input_end = s + spec.window;
    if (skip_gaps && (input_gaps[input_end] != input_gaps[s] || target_gaps[t.last + 1] != target_gaps[t.first]))
      period = -1;
    owner.push_back(period);
  }
  return owner;
}

SequenceSet empty_set(const Table& table, const WindowSpec& spec, std::size_t count) {
  SequenceSet set;
  const std::size_t target_steps = spec.sequence ? spec.window : 1;
  const std::size_t outputs = spec.sequence ? table.targets.size() : spec.horizon * table.targets.size();
  set.inputs = Tensor3::from_shape({count, spec.window, table.inputs.size()});
  set.targets = Tensor3::from_shape({count, target_steps, outputs});
  set.last_rows.reserve(count);
  return set;
}

void add_window(SequenceSet& set, const Table& table, const WindowSpec& spec, std::size_t s) {
  const std::size_t n = set.last_rows.size();
  for (std::size_t k = 0; k < spec.window; ++k)
    for (std::size_t f = 0; f < table.inputs.size(); ++f)
      set.inputs(n, k, f) = table.columns[table.inputs[f]].values[s + k];
  const std::size_t targets = table.targets.size();
  if (spec.sequence) {
    for (std::size_t k = 0; k < spec.window; ++k)
      for (std::size_t j = 0; j < targets; ++j)
        set.targets(n, k, j) = table.columns[table.targets[j]].values[s + k + 1];
  } else {
    const std::size_t last = s + spec.window - 1;
    for (std::size_t h = 0; h < spec.horizon; ++h)
      for (std::size_t j = 0; j < targets; ++j)
        set.targets(n, 0, h * targets + j) = table.columns[table.targets[j]].values[last + 1 + h];
  }
  set.last_rows.push_back(s + spec.window - 1);
}

}  // namespace

DatasetSplits cut_windows(const Table& table, const WindowSpec& spec, const Periods& periods) {
  const std::vector<int> owner = assign(table, spec, periods, spec.skip_gaps);
  std::size_t counts[3] = {0, 0, 0};
  for (int period : owner)
    if (period >= 0) ++counts[period];
  DatasetSplits splits;
  SequenceSet* sets[3] = {&splits.train, &splits.validation, &splits.test};
  for (int p = 0; p < 3; ++p) *sets[p] = empty_set(table, spec, counts[p]);
  for (std::size_t w = 0; w < owner.size(); ++w)
    if (owner[w] >= 0) add_window(*sets[owner[w]], table, spec, spec.first + w * spec.stride);
  return splits;
}

void check_periods(const DatasetSplits& splits, const Table& table, const WindowSpec& spec, const Periods& periods,
                   const SplitChoice& split) {
  const SequenceSet* sets[3] = {&splits.train, &splits.validation, &splits.test};
  for (int p = 0; p < 3; ++p) {
    if (!split.wanted(p) || sets[p]->count() > 0) continue;
    const std::size_t begin = periods.begin(p), rows = periods.end(p) - begin;
    // The fewest rows of this period one window needs: its targets, plus the inputs that do not fit before it.
    const std::size_t needs = spec.sequence ? spec.window + (begin == 0 ? 1 : 0)
                                            : spec.horizon + (begin >= spec.window ? 0 : spec.window - begin);
    std::ostringstream message;
    message << table.header.path << ": the " << period_name(p) << " period (split: " << split.text() << " of "
            << periods.rows << " data rows) has " << rows << " row(s)";
    if (rows > 0) message << " (data rows " << begin + 1 << " to " << begin + rows << ")";
    if (rows < needs) {
      message << " but one window needs " << needs << " there (window " << spec.window
              << (spec.sequence ? ", target: sequence" : ", horizon " + std::to_string(spec.horizon))
              << (begin == 0 ? ")" : "; inputs may reach back into the earlier period)")
              << "; give it a larger fraction or more rows, use a smaller window or horizon, or set its fraction to 0";
      throw ParamError("split", message.str());
    }
    const std::vector<int> without_gaps = assign(table, spec, periods, false);
    const bool gaps = std::find(without_gaps.begin(), without_gaps.end(), p) != without_gaps.end();
    message << (gaps ? " but every window whose targets lie in it touches a gap (missing: drop leaves those out); "
                       "fill the gaps (missing: interpolate or ffill) or give the period more rows"
                     : " but with stride " + std::to_string(spec.stride) +
                           " no window's targets all fall inside it; use a smaller stride or give it more rows");
    throw ParamError(gaps ? "missing" : "stride", message.str());
  }
}

}  // namespace seqlab::csv
