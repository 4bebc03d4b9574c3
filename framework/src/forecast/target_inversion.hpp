// Model-unit outputs of windows turned into the data's units: normalisation undone, then a dataset's target
// differences integrated from the observed levels, then its transform (log, log1p) undone.
#pragma once

#include <cstddef>
#include <string>
#include <vector>
#include <xtensor/xtensor.hpp>

#include "forecast/data_units.hpp"
#include "seqlab/dataset.hpp"

namespace seqlab {

class TargetInversion {
 public:
  // `series` may be empty (data that is not one series) when the description has no transform.
  TargetInversion(const DataDescription& description, const DataSeries& series);

  // No transform and no difference: every value is OutputFeature::to_data of itself, bit for bit as before.
  bool identity() const { return identity_; }
  // (rows, targets): the targets in the data's units (target_levels), which truths and persistence read.
  const xt::xtensor<double, 2>& levels() const { return levels_; }

  // values (count, outputs) in model units, one row per window whose last observed row is last_rows[n]; output o
  // predicts target outputs[o].target at row last_rows[n] + 1 + outputs[o].step. For a window's later steps
  // the earlier predicted steps stand in for rows not yet observed.
  xt::xtensor<double, 2> to_data(const xt::xtensor<double, 2>& values, const std::vector<std::size_t>& last_rows,
                                 const std::vector<OutputFeature>& outputs) const;
  // A set's values (count, target steps, outputs) in the data's units. With target: sequence (target steps > 1)
  // target step t is the next row after input step t, predicted from the observed rows up to it.
  xt::xtensor<double, 3> to_data(const Tensor3& values, const SequenceSet& set,
                                 const std::vector<OutputFeature>& outputs) const;
  // The truths of a set's targets in the data's units, shaped like set.targets: the levels at the rows they are
  // of (the data as read), or with identity() the targets mapped back by to_data.
  xt::xtensor<double, 3> truths(const SequenceSet& set, const std::vector<OutputFeature>& outputs) const;

  // A forecast (steps, targets) in model units, row k being k + 1 rows after the series' last row, in the data's
  // units: the whole forecast integrated as one window from the series' end.
  xt::xtensor<double, 2> forecast_to_data(const Tensor2& values) const;

 private:
  // D_k at an observed row: the transformed levels differenced at the first k lags; NaN before the series.
  double observed(std::size_t k, long long row, std::size_t target) const;
  double transformed(double level) const;
  double untransformed(double value) const;

  DataDescription description_;
  xt::xtensor<double, 2> levels_;
  bool identity_ = true;
};

// The data's units of target j as a feature, for outputs made up from a description (forecasts).
Feature target_unit(const DataDescription& description, std::size_t target);

}  // namespace seqlab
