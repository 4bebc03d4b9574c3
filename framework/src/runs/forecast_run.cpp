// `seqlab predict`: reload, forecast K steps from the data's last window, write them with their times.
// Tested in tests/runs/test_eval_predict.cpp, tests/runs/test_predict_sine.cpp
#include "runs/forecast_run.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "config/error_report.hpp"
#include "config/experiment_source.hpp"
#include "forecast/forecaster.hpp"
#include "runs/evaluate_run.hpp"
#include "runs/finished_run.hpp"
#include "plots/forecast_plot.hpp"
#include "forecast/readout.hpp"
#include "forecast/target_inversion.hpp"
#include "runs/run_folder.hpp"
#include "training/trainer.hpp"
#include "util/csv_text.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

// The run's dataset plugin as its config.yaml names it, or "" when that cannot be read (the reload says why).
std::string recorded_dataset_plugin(const std::string& run_dir) {
  try {
    const ExperimentSource source((fs::path(run_dir) / "config.yaml").string(), {});
    const YAML::Node plugin = source.root()["dataset"]["plugin"];
    return plugin && plugin.IsScalar() ? plugin.as<std::string>() : "";
  } catch (const std::exception&) {
    return "";
  }
}

// --input FILE is read as eval --data reads it, all of it the test split. A forecast needs the series and the
// model, not the test windows: the csv dataset cuts a window every `stride` rows, so with the largest stride it
// cuts one or a few, and the memory checked before loading (and then used) is the file's rows, not a window per
// row (2M rows of 10 columns with a window of 168 would be 13 GB of windows).
std::vector<std::string> input_overrides(const PredictOptions& options) {
  if (options.input.empty()) return {};
  std::vector<std::string> overrides = other_file_overrides(options.input);
  if (recorded_dataset_plugin(options.run_dir) == "csv") overrides.push_back("dataset.stride=1000000");
  return overrides;
}

}  // namespace

int forecast_run(const PredictOptions& options) {
  return report_errors([&] {
    FinishedRun run = reload_finished_run(options.run_dir, input_overrides(options), options.common);
    Components& c = run.components;
    const ResolvedExperiment& e = run.loaded.experiment;
    Trainer trainer(c, e);
    const Readout readout = make_readout(c, e);
    const DataSeries& series = readout.series;
    const DataDescription& d = readout.description;
    const Forecast result = forecast([&](const Tensor3& inputs) { return Tensor3(trainer.predict(inputs)); }, d, series,
                                     options.steps, readout.dataset_name);
    const Tensor2 truth = c.dataset->continuation(options.steps);
    const bool has_truth = truth.dimension() == 2 && truth.shape()[0] == options.steps;
    // In the data's units: a differenced target integrated from the series' last levels, the transform undone.
    const TargetInversion inversion(d, series);
    const auto values = inversion.forecast_to_data(result.values);
    const auto truth_values = has_truth ? inversion.forecast_to_data(truth) : xt::xtensor<double, 2>{};
    const auto& levels = inversion.levels();

    RunFolder folder = RunFolder::create_under(options.out, run.dir / "predict");
    const std::size_t targets = result.values.shape()[1];
    std::string csv = csv_field(d.time_name.empty() ? "step" : d.time_name);
    for (std::size_t j = 0; j < targets; ++j) csv += "," + csv_field(target_unit(d, j).name);
    if (has_truth)
      for (std::size_t j = 0; j < targets; ++j) csv += "," + csv_field(target_unit(d, j).name + " (truth)");
    csv += "\n";
    const std::size_t rows = series.rows();
    for (std::size_t k = 0; k < options.steps; ++k) {
      csv += csv_field(format_time(time_of_row(series, rows + k), d.time_kind));
      for (std::size_t j = 0; j < targets; ++j) csv += fmt::format(",{}", static_cast<float>(values(k, j)));
      if (has_truth)
        for (std::size_t j = 0; j < targets; ++j) csv += fmt::format(",{}", static_cast<float>(truth_values(k, j)));
      csv += "\n";
    }
    folder.write_text("forecast.csv", csv);

    if (options.plots) {
      // A panel per target: its last stretch of data, the forecast after it, the truth where known.
      std::vector<ForecastSeries> plot(targets);
      const std::size_t shown = std::min(rows, std::max(series.window, options.steps));
      for (std::size_t j = 0; j < targets; ++j) {
        const Feature target = target_unit(d, j);
        for (std::size_t r = rows - shown; r < rows; ++r) {
          plot[j].history_x.push_back(time_of_row(series, r));
          plot[j].history.push_back(levels(r, j));
        }
        for (std::size_t k = 0; k < options.steps; ++k) {
          plot[j].x.push_back(time_of_row(series, rows + k));
          plot[j].forecast.push_back(values(k, j));
          if (has_truth) plot[j].truth.push_back(truth_values(k, j));
        }
        plot[j].x_is_date = d.time_kind == TimeKind::date;
        plot[j].x_label = d.time_name.empty() ? "row" : d.time_name;
        plot[j].y_label = target.name;
      }
      const PlotOutcome drawn = plot_forecast(
          folder.path(), plot, fmt::format("{}: {} steps forecast ({})", e.name, options.steps, result.method));
      if (!drawn.drawn) std::cerr << "note: " << drawn.note << "\n";
    }
    std::cout << fmt::format(
        "forecast: {} step(s) of {} target(s), {} ({} pass(es) through the model); {}/forecast.csv\n", options.steps,
        targets, result.method, result.model_calls, folder.path());
    return 0;
  });
}

}  // namespace seqlab
