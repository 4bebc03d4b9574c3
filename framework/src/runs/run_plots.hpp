// A run's two plots: its loss curve, and true against predicted values.
#pragma once

#include <string>

#include "runs/run_folder.hpp"
#include "training/trainer.hpp"

namespace seqlab {

// The validation set when there is one, else the training set: the one the
// predictions are written and plotted for.
const SequenceSet& shown_set(const Components& c);

// Draws loss.png and prediction.png into the folder; when gnuplot cannot draw
// them, prints one note saying why (the .dat and .gp files are written anyway).
void draw_run_plots(const RunFolder& folder, const std::string& name, const TrainingOutcome& outcome,
                    const SequenceSet& set, const Tensor3& predicted);

}  // namespace seqlab
