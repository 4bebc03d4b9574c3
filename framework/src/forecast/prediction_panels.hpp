// The prediction plot's panels in the data's units: per target, the first and the last step ahead, each beside
// the baselines on the same windows.
#pragma once

#include "forecast/baselines.hpp"
#include "forecast/readout.hpp"
#include "plots/prediction_plot.hpp"

namespace seqlab {

// One entry per target column, its panels: the first step ahead and, with a horizon above 1, the last
// ("passengers, 1 step ahead", "passengers, 12 steps ahead"). For a series (windows with times) each window is
// a point at the time of the row it predicts, beside persistence, seasonal naive (when readout.season is set)
// and the linear AR (`linear_ar`, when not nullptr) on the same windows. Data that is not one series: the first
// sequence along its steps (target: sequence), else the windows sorted by target, with the linear AR only.
PredictionPanels prediction_panels(const SequenceSet& set, const Tensor3& predicted, const Readout& readout,
                                   const LinearAutoregression* linear_ar);

}  // namespace seqlab
