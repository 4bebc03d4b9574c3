// The parallel-coordinates plot: each axis scaled to [0, 1] here, so gnuplot only draws lines, labels and a
// colour bar (its own `parallelaxes` style cannot colour lines by a value on a log scale).
// Tested in tests/cli/test_report_command.cpp
#include "plots/parallel_plot.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "plots/gnuplot_files.hpp"
#include "util/parse_number.hpp"

namespace seqlab {

namespace fs = std::filesystem;

namespace {

// A numeric axis spanning this factor or more, all positive, is logarithmic.
constexpr double kLogSpan = 100;

// One axis mapped to [0, 1], and the labels gnuplot writes beside it.
struct ScaledAxis {
  std::vector<double> position;  // per run
  std::vector<std::pair<double, std::string>> labels;
  std::string note;  // "(log)" for a log axis
};

ScaledAxis numeric_axis(const std::vector<double>& v, bool allow_log) {
  ScaledAxis axis;
  double lo = INFINITY, hi = -INFINITY;
  for (double x : v)
    if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  const bool log = allow_log && lo > 0 && hi / lo >= kLogSpan;
  auto scale = [&](double x) { return log ? std::log10(x) : x; };
  const double a = scale(lo), b = scale(hi);
  for (double x : v) axis.position.push_back(!std::isfinite(x) ? NAN : b > a ? (scale(x) - a) / (b - a) : 0.5);
  if (std::isfinite(lo)) {
    axis.labels.push_back({b > a ? 0.0 : 0.5, fmt::format("{:g}", lo)});
    if (b > a) axis.labels.push_back({1.0, fmt::format("{:g}", hi)});
  }
  if (log) axis.note = " (log)";
  return axis;
}

ScaledAxis scaled(const std::vector<std::string>& values) {
  std::vector<double> numbers;
  for (const auto& text : values) {
    double v = 0;
    if (!parse_number(text, v)) break;
    numbers.push_back(v);
  }
  if (numbers.size() == values.size()) return numeric_axis(numbers, true);
  ScaledAxis axis;
  std::vector<std::string> categories;
  for (const auto& text : values)
    if (std::find(categories.begin(), categories.end(), text) == categories.end()) categories.push_back(text);
  const double step = categories.size() > 1 ? 1.0 / static_cast<double>(categories.size() - 1) : 0;
  for (const auto& text : values) {
    const auto at = std::find(categories.begin(), categories.end(), text) - categories.begin();
    axis.position.push_back(categories.size() > 1 ? static_cast<double>(at) * step : 0.5);
  }
  for (std::size_t c = 0; c < categories.size(); ++c)
    axis.labels.push_back({categories.size() > 1 ? static_cast<double>(c) * step : 0.5, categories[c]});
  return axis;
}

}  // namespace

PlotOutcome plot_parallel_coordinates(const std::string& dir, const std::string& stem,
                                      const std::vector<ParallelAxis>& axes, const std::string& metric_name,
                                      const std::vector<double>& metric, const std::string& title, ImageFormat format) {
  for (const auto& axis : axes)
    if (axis.values.size() != metric.size())
      throw std::invalid_argument(fmt::format("plot_parallel_coordinates: axis {} has {} values for {} runs", axis.name,
                                              axis.values.size(), metric.size()));
  const fs::path folder = prepare_dir(dir);
  std::vector<std::size_t> runs;
  for (std::size_t r = 0; r < metric.size(); ++r)
    if (std::isfinite(metric[r])) runs.push_back(r);
  // Worst first, so the best lines are drawn last and stay visible.
  std::stable_sort(runs.begin(), runs.end(), [&](std::size_t a, std::size_t b) { return metric[a] > metric[b]; });

  std::vector<ScaledAxis> scaled_axes;
  std::vector<std::string> names;
  for (const auto& axis : axes) {
    std::vector<std::string> kept;
    for (std::size_t r : runs) kept.push_back(axis.values[r]);
    scaled_axes.push_back(scaled(kept));
    names.push_back(axis.name);
  }
  std::vector<double> kept_metric;
  for (std::size_t r : runs) kept_metric.push_back(metric[r]);
  scaled_axes.push_back(numeric_axis(kept_metric, true));
  names.push_back(metric_name);
  bool log_cb = !kept_metric.empty();
  for (double m : kept_metric) log_cb = log_cb && m > 0;

  std::ostringstream dat;
  dat << "# parallel coordinates" << (title.empty() ? "" : ": " + one_line(title))
      << "\n# one block per run, worst first: axis position(0..1) " << one_line(metric_name) << "\n";
  for (std::size_t k = 0; k < runs.size(); ++k) {
    for (std::size_t a = 0; a < scaled_axes.size(); ++a)
      dat << a << ' ' << number_text(scaled_axes[a].position[k]) << ' ' << number_text(kept_metric[k]) << '\n';
    dat << '\n';
  }
  write_plot_file(folder / (stem + ".dat"), dat.str());

  const std::size_t n = scaled_axes.size();
  std::ostringstream gp;
  gp << script_preamble(stem, title, "each run's settings and " + metric_name + " on parallel axes", format)
     << "unset grid\nunset ytics\nunset key\nset border 0\nset yrange [-0.06:1.06]\n"
     << "set xrange [-0.3:" << number_text(static_cast<double>(n - 1) + 0.6) << "]\n"
     << "set palette defined (0 '#08306b', 0.45 '#2b8cbe', 0.75 '#fdae6b', 1 '#d94801')\n"
     << "set cblabel " << gp_quote(metric_name + (log_cb ? " (log scale)" : "")) << "\n"
     << (log_cb ? "set logscale cb\nset format cb '%.0e'\n" : "") << "set xtics (";
  for (std::size_t a = 0; a < n; ++a) gp << (a ? ", " : "") << gp_quote(names[a] + scaled_axes[a].note) << " " << a;
  gp << ") scale 0 rotate by -20\n";
  for (std::size_t a = 0; a < n; ++a) {
    gp << "set arrow from " << a << ",0 to " << a << ",1 nohead linecolor rgb '#404040' front\n";
    for (const auto& [at, text] : scaled_axes[a].labels)
      gp << "set label " << gp_quote(text) << " at " << a << "," << number_text(at)
         << " offset 0.6,0 front font ',9'\n";
  }
  gp << "plot '" << stem << ".dat' using 1:2:3 with lines linewidth 1.5 linecolor palette\n"
     << "unset output\n";
  write_plot_file(folder / (stem + ".gp"), gp.str());
  return draw(folder, stem, !runs.empty(), "the runs' settings and " + metric_name, format);
}

}  // namespace seqlab
