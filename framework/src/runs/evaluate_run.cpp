// `seqlab eval`: reload, predict the test windows, score them with the baselines, write the results apart.
// Tested in tests/runs/test_eval_predict.cpp
#include "runs/evaluate_run.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "config/config_error.hpp"
#include "config/error_report.hpp"
#include "config/json_record.hpp"
#include "forecast/baselines.hpp"
#include "runs/finished_run.hpp"
#include "forecast/prediction_panels.hpp"
#include "forecast/readout.hpp"
#include "forecast/test_predictions.hpp"
#include "runs/run_folder.hpp"
#include "training/trainer.hpp"
#include "util/regular_file.hpp"

namespace fs = std::filesystem;

namespace seqlab {

namespace {

// The baseline the run fitted on its training windows (linear_ar.json); without that record, a fit on the
// training windows here, if there are any (not with --data), else none.
std::optional<LinearAutoregression> recorded_linear_ar(const FinishedRun& run) {
  const fs::path file = run.dir / "linear_ar.json";
  if (fs::exists(file)) {
    try {
      // A regular file only (a FIFO would block the read for ever), of a record's size.
      return linear_autoregression_from_json(nlohmann::json::parse(read_regular_file(file, JsonRecord::kMaxBytes)));
    } catch (const std::exception& e) {
      SourceLocation where;
      where.file = file.string();
      throw ConfigError(where, "", std::string("cannot read the run's linear AR baseline: ") + e.what());
    }
  }
  if (run.components.data.train.count() > 0) return fit_linear_autoregression(run.components.data.train);
  std::cerr << "note: " << file.string() << " is missing, so the linear AR baseline is left out\n";
  return std::nullopt;
}

}  // namespace

std::vector<std::string> other_file_overrides(const std::string& file) {
  return {"dataset.path=" + fs::absolute(file).lexically_normal().string(), "dataset.split=[0, 0, 1]"};
}

int evaluate_run(const EvalOptions& options) {
  return report_errors([&] {
    std::vector<std::string> overrides = options.overrides;
    if (!options.data.empty())
      for (const auto& o : other_file_overrides(options.data)) overrides.push_back(o);
    FinishedRun run = reload_finished_run(options.run_dir, overrides, options.common);
    Components& c = run.components;
    const ResolvedExperiment& e = run.loaded.experiment;
    if (c.data.test.count() == 0) {
      SourceLocation where;
      where.file = (run.dir / "config.yaml").string();
      throw ConfigError(where, "dataset",
                        "the run's data has no test windows to score (dataset '" + e.dataset.plugin->name() +
                            "' has no test split here); give another file with --data FILE");
    }

    RunFolder folder = RunFolder::create_under(options.out, run.dir / "eval");
    Trainer trainer(c, e);
    const Readout readout = make_readout(c, e);
    const Tensor3 predicted = trainer.predict(c.data.test.inputs);
    const std::optional<LinearAutoregression> linear_ar = recorded_linear_ar(run);
    const TestScore score = *score_test_split(c, predicted, readout, linear_ar ? &*linear_ar : nullptr);
    folder.write_text("predictions.csv", predictions_csv(c.data.test, predicted, readout));
    folder.write_text("test_predictions.csv", test_predictions_csv(score));
    if (options.plots) {
      const PlotOutcome plot = plot_prediction_panels(
          folder.path(), prediction_panels(c.data.test, predicted, readout, linear_ar ? &*linear_ar : nullptr),
          e.name + ": test, true vs predicted");
      if (!plot.drawn) std::cerr << "note: " << plot.note << "\n";
    }
    nlohmann::json record = {{"run", fs::absolute(run.dir).lexically_normal().string()},
                             {"data", options.data.empty() ? "the run's test split"
                                                           : fs::absolute(options.data).lexically_normal().string()},
                             {"overrides", options.overrides},
                             {"threads", e.training.threads},
                             {"test", test_score_json(score)}};
    folder.write_json("eval.json", record);
    std::cout << "eval " << run.dir.string() << ": " << test_score_line(score) << "; results in " << folder.path()
              << "\n";
    return 0;
  });
}

}  // namespace seqlab
