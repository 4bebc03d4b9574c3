// Drawing the report's SVGs: best curves, parallel coordinates, metric against each setting, each run's loss.
// Tested in tests/cli/test_report_command.cpp
#include "report/report_plots.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "plots/curve_labels.hpp"
#include "plots/parallel_plot.hpp"
#include "plots/plots.hpp"
#include "runs/run_folder.hpp"
#include "util/parse_number.hpp"
#include "util/paths.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

constexpr std::size_t kTopCurves = 8;
// Beyond these, the pictures only grow slower and the page heavier: the best runs are the ones worth seeing.
constexpr std::size_t kMaxParallelRuns = 2000;
constexpr std::size_t kMaxRunPlots = 200;
// A setting whose values are all positive and span this factor or more is drawn on a log axis.
constexpr double kLogSpan = 100;

std::string text_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ReportImage image(const std::string& caption, const fs::path& files, const std::string& stem,
                  const PlotOutcome& outcome) {
  ReportImage out{caption, "", outcome.note, files / (stem + ".svg")};
  if (outcome.drawn) out.svg = text_of(out.file);
  return out;
}

std::string setting(const RunEntry& run, const std::string& key) {
  const auto at = run.settings.find(key);
  return at == run.settings.end() ? "(unset)" : at->second;
}

bool log_axis(const std::vector<std::string>& xs) {
  double lo = INFINITY, hi = 0;
  for (const auto& x : xs) {
    double v = 0;
    if (!parse_number(x, v) || !(v > 0)) return false;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return !xs.empty() && hi / lo >= kLogSpan;
}

ReportImage top_curves(const ReportPage& page, const std::vector<std::size_t>& best, const fs::path& files) {
  std::vector<LabelledCurve> curves;
  std::vector<Settings> settings;
  std::vector<std::string> fallbacks;
  for (std::size_t i : best) {
    if (curves.size() == kTopCurves) break;
    const fs::path metrics = page.runs[i].folder / "metrics.csv";
    if (!fs::exists(metrics)) continue;
    LossCurve curve = read_loss_curve(metrics.string());
    if (curve.epochs.empty()) continue;
    curves.push_back({"", std::move(curve)});
    settings.push_back(page.runs[i].settings);
    fallbacks.push_back(page.runs[i].label);
  }
  const std::vector<std::string> labels = curve_labels(settings, differing_keys(settings, page.columns), fallbacks);
  for (std::size_t k = 0; k < curves.size(); ++k) curves[k].label = fmt::format("{}. {}", k + 1, labels[k]);
  const std::string caption =
      fmt::format("The loss curves of the {} best runs by final {}", curves.size(), page.metric);
  return image(caption, files, "top_curves",
               plot_loss_overlay(files.string(), "top_curves", curves, caption, ImageFormat::svg));
}

ReportImage parallel(const ReportPage& page, const std::vector<std::string>& columns,
                     const std::vector<std::size_t>& best, const fs::path& files) {
  const std::size_t shown = std::min(best.size(), kMaxParallelRuns);
  std::vector<ParallelAxis> axes;
  for (const auto& column : columns) {
    ParallelAxis axis{column, {}};
    for (std::size_t k = 0; k < shown; ++k) axis.values.push_back(setting(page.runs[best[k]], column));
    axes.push_back(std::move(axis));
  }
  std::vector<double> metric;
  for (std::size_t k = 0; k < shown; ++k) metric.push_back(entry_number(page.runs[best[k]], page.metric));
  const std::string caption =
      shown < best.size()
          ? fmt::format("The {} best of {} completed runs on parallel axes, coloured by final {}", shown, best.size(),
                        page.metric)
          : fmt::format("All {} completed runs on parallel axes, coloured by final {}", shown, page.metric);
  return image(caption, files, "parallel_coordinates",
               plot_parallel_coordinates(files.string(), "parallel_coordinates", axes, "final " + page.metric, metric,
                                         caption, ImageFormat::svg));
}

ReportImage metric_against(const ReportPage& page, const std::vector<std::size_t>& best, const std::string& column,
                           const fs::path& files) {
  std::vector<std::string> xs;
  std::vector<double> ys;
  for (std::size_t i : best) {
    xs.push_back(setting(page.runs[i], column));
    ys.push_back(entry_number(page.runs[i], page.metric));
  }
  const std::string stem = "metric_vs_" + file_name_part(column);
  const std::string caption = fmt::format("Final {} against {}, one point per completed run", page.metric, column);
  return image(caption, files, stem,
               plot_metric_vs(files.string(), stem, column, xs, ys, "final " + page.metric, caption, log_axis(xs),
                              ImageFormat::svg));
}

// <files>/runs/<label>/loss.svg, redrawn only when the run's metrics.csv is newer than it.
fs::path run_loss(const RunEntry& run, const fs::path& files) {
  const fs::path metrics = run.folder / "metrics.csv";
  const fs::path dir = files / "runs" / file_name_part(run.label);
  const fs::path svg = dir / "loss.svg";
  std::error_code ec;
  if (!fs::exists(metrics, ec)) return {};
  if (fs::exists(svg, ec) && fs::last_write_time(svg, ec) >= fs::last_write_time(metrics, ec)) return svg;
  const LossCurve curve = read_loss_curve(metrics.string());
  if (curve.epochs.empty()) return {};
  return plot_loss(dir.string(), curve, run.label + ": loss", ImageFormat::svg).drawn ? svg : fs::path();
}

}  // namespace

ReportPlots draw_report_plots(const ReportPage& page, const std::vector<std::size_t>& ranked, const fs::path& files) {
  ReportPlots plots;
  plots.run_loss.resize(page.runs.size());
  if (!page.plots) return plots;
  std::vector<std::size_t> best;  // completed, with the metric: the ranked runs' head
  for (std::size_t i : ranked)
    if (entry_status(page.runs[i]) == "completed" && std::isfinite(entry_number(page.runs[i], page.metric)))
      best.push_back(i);
  // Seeds are repeats, not choices: the metric against them says nothing.
  std::vector<std::string> chosen = page.columns;
  chosen.erase(std::remove(chosen.begin(), chosen.end(), "seed"), chosen.end());
  plots.summary.push_back(top_curves(page, best, files));
  if (!chosen.empty()) plots.summary.push_back(parallel(page, chosen, best, files));
  for (const auto& column : chosen) plots.summary.push_back(metric_against(page, best, column, files));
  for (std::size_t k = 0; k < ranked.size() && k < kMaxRunPlots; ++k)
    plots.run_loss[ranked[k]] = run_loss(page.runs[ranked[k]], files);
  return plots;
}

}  // namespace seqlab
