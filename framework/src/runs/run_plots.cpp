// Turning a finished run into its loss and prediction plots.
#include "runs/run_plots.hpp"

#include <cmath>
#include <iostream>

namespace seqlab {

void draw_run_plots(const RunFolder& folder, const std::string& name, const TrainingOutcome& outcome,
                    const PredictionSeries& predictions) {
  LossCurve curve;
  bool has_val = false;
  for (const auto& r : outcome.history) {
    curve.epochs.push_back(r.epoch);
    curve.train_loss.push_back(r.train_loss);
    curve.val_loss.push_back(r.val_loss);
    has_val = has_val || std::isfinite(r.val_loss);
  }
  if (!has_val) curve.val_loss.clear();
  const PlotOutcome loss = plot_loss(folder.path(), curve, name + ": loss");
  PlotOutcome prediction{true, ""};
  if (!predictions.target.empty())
    prediction = plot_predictions(folder.path(), predictions, name + ": true vs predicted");
  // Said once: both fail for the same reason when gnuplot is missing.
  if (!loss.drawn)
    std::cerr << "note: " << loss.note << "\n";
  else if (!prediction.drawn)
    std::cerr << "note: " << prediction.note << "\n";
}

}  // namespace seqlab
