// Turning a finished run into its loss and prediction plots.
// Tested in tests/runs/test_symlink_writes.cpp
#include "runs/run_plots.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>

namespace seqlab {

void draw_run_plots(RunFolder& folder, const std::string& name, const TrainingOutcome& outcome,
                    const PredictionPanels& predictions) {
  LossCurve curve;
  bool has_val = false;
  for (const auto& r : outcome.history) {
    curve.epochs.push_back(r.epoch);
    curve.train_loss.push_back(r.train_loss);
    curve.val_loss.push_back(r.val_loss);
    has_val = has_val || std::isfinite(r.val_loss);
  }
  if (!has_val) curve.val_loss.clear();
  const std::string dir = folder.plot_folder();
  const PlotOutcome loss = plot_loss(dir, curve, name + ": loss");
  PlotOutcome prediction{true, ""};
  if (!predictions.empty()) prediction = plot_prediction_panels(dir, predictions, name + ": true vs predicted");
  // The note's "run gnuplot in <folder>" names the run folder, where a held plot is going.
  auto in_run_folder = [&](std::string note) {
    if (dir == folder.path()) return note;
    const std::string staging = "/" + std::filesystem::path(dir).filename().string();
    for (auto at = note.find(staging); at != std::string::npos; at = note.find(staging, at))
      note.erase(at, staging.size());
    return note;
  };
  // Said once: both fail for the same reason when gnuplot is missing.
  if (!loss.drawn)
    std::cerr << "note: " << in_run_folder(loss.note) << "\n";
  else if (!prediction.drawn)
    std::cerr << "note: " << in_run_folder(prediction.note) << "\n";
}

}  // namespace seqlab
