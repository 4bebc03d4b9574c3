// The run folder's plots: loss curve and predictions, drawn headless with gnuplot.
#pragma once

#include <string>
#include <vector>

namespace seqlab {

// One point per epoch. `val_loss` is empty when the run has no validation set;
// otherwise it has one value per epoch like `train_loss`, NaN on the epochs that
// were not validated (training.validate_every), which the plots leave out.
struct LossCurve {
  std::vector<int> epochs;
  std::vector<double> train_loss;
  std::vector<double> val_loss;
};

// A line drawn beside the model's, e.g. a baseline's predictions: one value per point.
struct NamedValues {
  std::string name;
  std::vector<double> values;
};

// One point per index (time step or sample); `target` and `predicted` have equal
// length. `x_label` names the index axis ("index" when empty).
struct PredictionSeries {
  std::vector<double> target;
  std::vector<double> predicted;
  std::string x_label;
  std::vector<double> x;               // the index's values (a time column); empty: 0, 1, 2, ...
  bool x_is_date = false;              // x in seconds since 1970 UTC, drawn as dates
  std::string y_label;                 // "value" when empty
  std::string panel;                   // the panel's title among several, e.g. "passengers, 12 steps ahead"
  std::vector<NamedValues> baselines;  // drawn thin and dashed beside `predicted`, as long as `target`
};

// The image a plot function draws: PNG in run and sweep folders, SVG for report pages.
enum class ImageFormat { png, svg };

// `drawn` is false when the image could not be drawn; `note` then says why and how
// to redraw it, one sentence the caller prints once.
struct PlotOutcome {
  bool drawn = false;
  std::string note;
};

// Each plot function writes <dir>/<stem>.dat (whitespace columns, '#' header,
// values with round-trip precision, non-finite values as NaN/inf which gnuplot
// skips) and <dir>/<stem>.gp (a self-contained script: `gnuplot <stem>.gp` run
// inside <dir> redraws <stem>.png), then draws <dir>/<stem>.png (or .svg, with
// ImageFormat::svg) with gnuplot if it is on PATH. No display is needed. <dir>
// is created if missing.
//
// Throws std::runtime_error only when the .dat or .gp cannot be written, and
// std::invalid_argument when the series lengths disagree (a caller bug). Any
// problem drawing (gnuplot missing, failing or dying) is reported through
// the returned PlotOutcome instead. SIGPIPE is ignored while gnuplot runs.

// Stem "loss": train (and validation) loss per epoch, log-scale y when any
// loss is positive (non-positive values cannot appear on a log axis). A NaN
// loss is a missing point: the line joins the points either side of it.
PlotOutcome plot_loss(const std::string& dir, const LossCurve& curve, const std::string& title,
                      ImageFormat format = ImageFormat::png);

// Several runs' loss curves in one plot (stem given), e.g. for `seqlab compare`
// and sweeps: each curve's validation loss when it has one, else its training
// loss, on a log axis, NaN losses left out as in plot_loss. One data block per
// curve in <stem>.dat. The legend sits
// outside the plot area, in the curves' order; curve k gets curve_style(k)
// (plots/curve_labels.hpp), so dozens of curves stay apart.
struct LabelledCurve {
  std::string label;
  LossCurve curve;
};
PlotOutcome plot_loss_overlay(const std::string& dir, const std::string& stem, const std::vector<LabelledCurve>& curves,
                              const std::string& title, ImageFormat format = ImageFormat::png);

// A metric against one setting, one point per run (stem given), e.g. a sweep's
// final val_loss against model.hidden_size. `xs` are the setting's values as
// text: when every one reads as a number the x axis is numeric (log scale with
// `log_x`), otherwise each distinct text is a category on its own tic, in order
// of first appearance. The y axis is logarithmic when every finite y is > 0.
// Non-finite `ys` are skipped by gnuplot.
PlotOutcome plot_metric_vs(const std::string& dir, const std::string& stem, const std::string& x_label,
                           const std::vector<std::string>& xs, const std::vector<double>& ys,
                           const std::string& y_label, const std::string& title, bool log_x = false,
                           ImageFormat format = ImageFormat::png);

// Stem "prediction": target and predicted (and the baselines) against the index, one panel
// (plots/prediction_plot.hpp draws several).
PlotOutcome plot_predictions(const std::string& dir, const PredictionSeries& series, const std::string& title);

// Whether a `gnuplot` executable is on PATH. The lookup is cached per value of
// PATH, so changing PATH (as the tests do) takes effect on the next call.
bool gnuplot_available();

}  // namespace seqlab
