// The prediction plot with a row of panels per target: the truth, the model and the baselines over time, for
// the first and the last step ahead.
#pragma once

#include <string>
#include <vector>

#include "plots/plots.hpp"

namespace seqlab {

// One entry per target, each its panels left to right (e.g. 1 and 12 steps ahead); a panel's y_label names the
// target.
using PredictionPanels = std::vector<std::vector<PredictionSeries>>;

// Up to kMaxTargetsPerImage targets (plots/panel_images.hpp): prediction.dat, .gp and .png in `dir`, a row of
// panels per target (one panel alone is drawn as plot_predictions always drew it). More targets: one image
// per target, prediction_<target>.png. Each .dat holds one block per panel (gnuplot's `index`), columns x,
// target, predicted, then one per baseline. The outcome is the first image that could not be drawn, else
// drawn. Throws std::invalid_argument when a panel's series lengths disagree, as plot_predictions does.
PlotOutcome plot_prediction_panels(const std::string& dir, const PredictionPanels& targets, const std::string& title);

}  // namespace seqlab
