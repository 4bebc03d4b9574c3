// Turning a finished run into its loss and prediction plots.
#include "runs/run_plots.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>
#include <vector>

#include "runs/plots.hpp"

namespace seqlab {

namespace {

PredictionSeries prediction_series(const SequenceSet& set, const Tensor3& predicted) {
  PredictionSeries series;
  const std::size_t steps = set.targets.shape()[1];
  if (steps > 1) {
    // Every step predicted: show the first sequence along its steps.
    for (std::size_t t = 0; t < steps; ++t) {
      series.target.push_back(set.targets(0, t, 0));
      series.predicted.push_back(predicted(0, t, 0));
    }
    series.x_label = "step of the first sequence";
  } else {
    // One value per sequence, and the sequences start at random phases: order
    // them by target so the curve is readable.
    std::vector<std::size_t> order(set.count());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return set.targets(a, 0, 0) < set.targets(b, 0, 0); });
    for (std::size_t n : order) {
      series.target.push_back(set.targets(n, 0, 0));
      series.predicted.push_back(predicted(n, 0, 0));
    }
    series.x_label = "sequence (sorted by target)";
  }
  return series;
}

}  // namespace

const SequenceSet& shown_set(const Components& c) {
  return c.data.validation.count() > 0 ? c.data.validation : c.data.train;
}

void draw_run_plots(const RunFolder& folder, const std::string& name, const TrainingOutcome& outcome,
                    const SequenceSet& set, const Tensor3& predicted) {
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
  if (set.count() > 0)
    prediction = plot_predictions(folder.path(), prediction_series(set, predicted), name + ": true vs predicted");
  // Said once: both fail for the same reason when gnuplot is missing.
  if (!loss.drawn)
    std::cerr << "note: " << loss.note << "\n";
  else if (!prediction.drawn)
    std::cerr << "note: " << prediction.note << "\n";
}

}  // namespace seqlab
