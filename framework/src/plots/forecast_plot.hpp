// The forecast plot: the data's last stretch, the forecast after it and, where known, the truth; a panel per
// target.
#pragma once

#include <string>
#include <vector>

#include "plots/plots.hpp"

namespace seqlab {

struct ForecastSeries {
  std::vector<double> history_x, history;  // the data the forecast starts from
  std::vector<double> x, forecast;         // one per forecast step
  std::vector<double> truth;               // empty, or one per forecast step
  bool x_is_date = false;                  // x in seconds since 1970 UTC, drawn as dates
  std::string x_label, y_label;
};

// Stem "forecast" (forecast.dat, .gp, .png) in `dir`, as the other plots (plots.hpp).
PlotOutcome plot_forecast(const std::string& dir, const ForecastSeries& series, const std::string& title);

// One per target (its y_label names it), a panel each: up to kMaxTargetsPerImage (plots/panel_images.hpp) in
// forecast.png, blocks 2k and 2k+1 of forecast.dat for target k; more in forecast_<target>.png each.
PlotOutcome plot_forecast(const std::string& dir, const std::vector<ForecastSeries>& targets, const std::string& title);

}  // namespace seqlab
