// Writes each plot as data (.dat) plus a gnuplot script (.gp), then runs that script headless.
#include "plots/plots.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "plots/curve_labels.hpp"
#include "plots/gnuplot_files.hpp"
#include "plots/prediction_plot.hpp"
#include "util/parse_number.hpp"

namespace seqlab {

namespace fs = std::filesystem;

namespace {

// gnuplot breaks a line at an invalid value (NaN) but joins across a missing one: a validation loss
// computed every few epochs (training.validate_every) is one line through the validated epochs.
constexpr const char* kNanIsMissing = "set datafile missing NaN\n";

// Legends beyond this many characters go below the plot, where they may take the whole width.
constexpr std::size_t kSideLegendChars = 32;
// A legend below the plot holds this many rows, then starts another column.
constexpr std::size_t kLegendRows = 8;

// Outside the plot area, so no curve hides under it: on the right, or below for long labels. gnuplot's own `below`
// puts the legend over the x axis label, so the room is made and the legend placed by hand (screen fractions of
// the 500-pixel-high image: a row of 11-point text is about 17 pixels).
std::string legend_outside(const std::vector<std::string>& labels) {
  std::size_t longest = 0;
  for (const auto& label : labels) longest = std::max(longest, label.size());
  if (longest <= kSideLegendChars) return "set key outside right top Left reverse\n";
  const double height = 0.034 * static_cast<double>(std::min(labels.size(), kLegendRows));
  std::ostringstream gp;
  gp << "set bmargin at screen " << number_text(0.13 + height) << "\nset key at screen 0.08, screen "
     << number_text(height + 0.02) << " top left Left reverse maxrows " << kLegendRows << "\n";
  return gp.str();
}

}  // namespace

PlotOutcome plot_loss(const std::string& dir, const LossCurve& curve, const std::string& title, ImageFormat format) {
  const std::size_t n = curve.epochs.size();
  const bool has_val = !curve.val_loss.empty();
  if (curve.train_loss.size() != n || (has_val && curve.val_loss.size() != n))
    throw std::invalid_argument("plot_loss: " + std::to_string(n) + " epochs but " +
                                std::to_string(curve.train_loss.size()) + " train and " +
                                std::to_string(curve.val_loss.size()) + " validation losses");
  const fs::path folder = prepare_dir(dir);

  std::ostringstream dat;
  dat << "# loss per epoch" << (title.empty() ? "" : ": " + one_line(title)) << "\n"
      << "# epoch train_loss" << (has_val ? " val_loss" : "") << "\n";
  for (std::size_t i = 0; i < n; ++i) {
    dat << curve.epochs[i] << ' ' << number_text(curve.train_loss[i]);
    if (has_val) dat << ' ' << number_text(curve.val_loss[i]);
    dat << '\n';
  }
  write_plot_file(folder / "loss.dat", dat.str());

  // The range of the values a log axis can show.
  double low = 0, high = 0;
  for (const auto* losses : {&curve.train_loss, &curve.val_loss})
    for (double v : *losses)
      if (std::isfinite(v) && v > 0) {
        low = low > 0 ? std::min(low, v) : v;
        high = std::max(high, v);
      }
  const bool log_y = high > 0;
  int first = 0, last = 0;
  if (n > 0) {
    first = *std::min_element(curve.epochs.begin(), curve.epochs.end());
    last = *std::max_element(curve.epochs.begin(), curve.epochs.end());
  }

  std::ostringstream gp;
  gp << script_preamble("loss", title, "training loss per epoch", format) << "set xlabel 'epoch'\n";
  if (last - first <= 12) gp << "set xtics 1\n";  // whole epochs, not 1.5
  if (log_y)
    gp << "set ylabel 'loss (log scale)'\n"
       << "set logscale y\n"
       << "set mytics 10\n"
       << "set grid mytics\n"
       // gnuplot's default labels small decades as 0.0000010; exponents read better.
       << (low < 1e-3 || high >= 1e4 ? "set format y '%.0e'\n" : "set format y '%g'\n");
  else
    gp << "set ylabel 'loss'\n";
  gp << "set key top right\n" << kNanIsMissing;
  const std::string style = line_style(n);
  gp << "plot 'loss.dat' using 1:2 with " << style << " linewidth 2 linecolor rgb '#1f77b4' title 'train'";
  if (has_val)
    gp << ", \\\n     '' using 1:3 with " << style << " linewidth 2 linecolor rgb '#d62728' title 'validation'";
  gp << "\nunset output\n";
  write_plot_file(folder / "loss.gp", gp.str());

  return draw(folder, "loss", n > 0, "the loss curve", format);
}

PlotOutcome plot_loss_overlay(const std::string& dir, const std::string& stem, const std::vector<LabelledCurve>& curves,
                              const std::string& title, ImageFormat format) {
  const fs::path folder = prepare_dir(dir);
  std::size_t with_val = 0;
  for (const auto& c : curves) with_val += !c.curve.val_loss.empty();
  // Which loss each curve shows goes on the axis when they all show the same one, else into each label.
  const bool mixed = with_val != 0 && with_val != curves.size();
  std::vector<std::string> labels;
  for (const auto& c : curves)
    labels.push_back(c.label + (!mixed ? "" : c.curve.val_loss.empty() ? " (train)" : " (val)"));
  std::ostringstream dat, plot;
  dat << "# loss per epoch of several runs, one block each (gnuplot: index N)"
      << (title.empty() ? "" : ": " + one_line(title)) << "\n";
  bool any_points = false;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const LossCurve& curve = curves[c].curve;
    const bool use_val = !curve.val_loss.empty();
    const auto& losses = use_val ? curve.val_loss : curve.train_loss;
    if (losses.size() != curve.epochs.size())
      throw std::invalid_argument("plot_loss_overlay: curve " + curves[c].label + " has mismatched lengths");
    dat << (c ? "\n\n" : "") << "# " << one_line(curves[c].label) << ": epoch " << (use_val ? "val_loss" : "train_loss")
        << "\n";
    for (std::size_t i = 0; i < losses.size(); ++i) dat << curve.epochs[i] << ' ' << number_text(losses[i]) << '\n';
    any_points = any_points || !losses.empty();
    plot << (c ? ", \\\n     " : "plot ") << "'" << stem << ".dat' index " << c << " using 1:2 with lines linewidth 2 "
         << curve_style(c) << " title " << gp_quote(labels[c]);
  }
  write_plot_file(folder / (stem + ".dat"), dat.str());
  const std::string loss = mixed ? "loss" : with_val ? "validation loss" : "training loss";
  std::ostringstream gp;
  gp << script_preamble(stem, title, "loss curves of several runs", format) << "set xlabel 'epoch'\n"
     << "set ylabel '" << loss << " (log scale)'\nset logscale y\nset format y '%.0e'\n"
     << kNanIsMissing << legend_outside(labels) << plot.str() << "\nunset output\n";
  write_plot_file(folder / (stem + ".gp"), gp.str());
  return draw(folder, stem, any_points, "the overlaid loss curves", format);
}

PlotOutcome plot_metric_vs(const std::string& dir, const std::string& stem, const std::string& x_label,
                           const std::vector<std::string>& xs, const std::vector<double>& ys,
                           const std::string& y_label, const std::string& title, bool log_x, ImageFormat format) {
  if (xs.size() != ys.size())
    throw std::invalid_argument("plot_metric_vs: " + std::to_string(xs.size()) + " x values but " +
                                std::to_string(ys.size()) + " y values");
  const fs::path folder = prepare_dir(dir);
  // Numeric when every value parses whole as a number (from_chars: no locale).
  std::vector<double> numbers;
  for (const auto& x : xs) {
    double v = 0;
    if (!parse_number(x, v)) break;
    numbers.push_back(v);
  }
  const bool numeric = numbers.size() == xs.size();
  std::vector<std::string> categories;
  std::ostringstream dat;
  dat << "# " << one_line(y_label) << " against " << one_line(x_label) << (title.empty() ? "" : ": " + one_line(title))
      << "\n# " << (numeric ? "x" : "category_index") << " y" << (numeric ? "" : " category") << "\n";
  bool any_points = false;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    any_points = any_points || std::isfinite(ys[i]);
    if (numeric) {
      dat << number_text(numbers[i]) << ' ' << number_text(ys[i]) << '\n';
      continue;
    }
    auto at = std::find(categories.begin(), categories.end(), xs[i]);
    if (at == categories.end()) at = categories.insert(categories.end(), xs[i]);
    dat << (at - categories.begin()) << ' ' << number_text(ys[i]) << " # " << one_line(xs[i]) << '\n';
  }
  write_plot_file(folder / (stem + ".dat"), dat.str());

  std::ostringstream gp;
  gp << script_preamble(stem, title, y_label + " against " + x_label, format) << "set xlabel " << gp_quote(x_label)
     << "\n"
     << "set ylabel " << gp_quote(y_label) << "\n"
     << "set key off\n"
     << "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n";  // no point on the frame
  if (numeric && log_x) gp << "set logscale x\nset format x '%.0e'\n";
  // Losses spread over decades: a log y axis when every value can sit on one.
  bool log_y = any_points;
  for (double y : ys) log_y = log_y && (!std::isfinite(y) || y > 0);
  if (log_y) gp << "set logscale y\nset format y '%.0e'\n";
  if (!numeric) {
    gp << "set xtics (";
    for (std::size_t c = 0; c < categories.size(); ++c) gp << (c ? ", " : "") << gp_quote(categories[c]) << " " << c;
    gp << ")\nset xrange [-0.5:" << (categories.empty() ? 0.5 : static_cast<double>(categories.size()) - 0.5) << "]\n";
  }
  gp << "plot '" << stem << ".dat' using 1:2 with points pointtype 7 pointsize 1.2 linecolor rgb '#1f77b4'\n"
     << "unset output\n";
  write_plot_file(folder / (stem + ".gp"), gp.str());
  return draw(folder, stem, any_points, "the " + y_label + " against " + x_label, format);
}

PlotOutcome plot_predictions(const std::string& dir, const PredictionSeries& series, const std::string& title) {
  return plot_prediction_panels(dir, {{series}}, title);
}

}  // namespace seqlab
