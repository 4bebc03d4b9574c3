// Forecast error metrics on data-unit matrices: RMSE, MAE, MASE and sMAPE, overall, per target and per step.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>
#include <xtensor/xtensor.hpp>

#include "forecast/data_units.hpp"

namespace seqlab {

// NaN where a metric cannot be computed (MASE without an in-sample scale, any metric over no values).
struct ForecastMetrics {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  double mse = kNone, rmse = kNone, mae = kNone;
  double mase = kNone;   // MAE of each value over its target's in-sample seasonal-naive MAE, averaged
  double smape = kNone;  // percent: 200 |e| / (|y| + |y^|), a value with y = y^ = 0 counting 0
};

struct MetricBreakdown {
  ForecastMetrics overall;
  std::vector<ForecastMetrics> per_target;  // by target column
  std::vector<ForecastMetrics> per_step;    // by step ahead (output.step); one entry when the horizon is 1
};

// `truth`, `predicted`: (windows, outputs) in the data's units; only windows with kept[n] count. Output o is
// target outputs[o].target, outputs[o].step steps further. `mase_scale`: per target, the in-sample MAE MASE
// divides by (NaN or 0: no MASE for that target). Values are summed window by window, output by output (squares
// by fused multiply-add), so the overall mse/rmse/mae are the numbers test scores had before this file.
MetricBreakdown forecast_metrics(const xt::xtensor<double, 2>& truth, const xt::xtensor<double, 2>& predicted,
                                 const std::vector<bool>& kept, const std::vector<OutputFeature>& outputs,
                                 const std::vector<double>& mase_scale);

// Per target column of `levels` (rows, targets), data units: the mean |y[t] - y[t - season]| over rows
// t < rows_end with both values finite (season 0 counts as 1): the in-sample seasonal-naive MAE of the training
// period that MASE is scaled by. NaN for a target without a single such pair.
std::vector<double> seasonal_naive_mae(const xt::xtensor<double, 2>& levels, std::size_t rows_end, std::size_t season);

}  // namespace seqlab
