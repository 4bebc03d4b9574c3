// A run's two plots: its loss curve, and true against predicted values.
#pragma once

#include <string>

#include "plots/plots.hpp"
#include "plots/prediction_plot.hpp"
#include "runs/run_folder.hpp"
#include "training/trainer.hpp"

namespace seqlab {

// Draws loss.png and prediction.png (a row of panels per target, plots/prediction_plot.hpp) into the folder (its
// plot_folder(): held back with the other results while a finished run is continued); when gnuplot cannot draw them,
// prints one note saying why (the .dat and .gp files are written anyway).
void draw_run_plots(RunFolder& folder, const std::string& name, const TrainingOutcome& outcome,
                    const PredictionPanels& predictions);

}  // namespace seqlab
