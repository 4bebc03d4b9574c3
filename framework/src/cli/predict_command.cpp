// `seqlab predict RUN_DIR --steps K [--input FILE] [--out DIR]`: forecast past the end of the data.
// Tested in tests/runs/test_eval_predict.cpp, tests/runs/test_predict_sine.cpp
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/subcommand.hpp"
#include "runs/forecast_run.hpp"

namespace seqlab {

Subcommand add_predict_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<PredictOptions>();
  auto* command = app.add_subcommand(
      "predict",
      "forecast K steps past the end of a finished run's data (or of --input FILE): directly within the model's "
      "horizon, feeding predictions back beyond it; writes forecast.csv and forecast.png to "
      "RUN_DIR/predict/<timestamp>/");
  command->add_option("run_dir", options->run_dir, "the run folder")->required()->type_name("RUN_DIR");
  command->add_option("--steps", options->steps, "how many steps to forecast")
      ->required()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->type_name("K");
  command->add_option("--input", options->input, "forecast from the end of this file (same columns as the run's)")
      ->type_name("FILE");
  command
      ->add_option("--out", options->out, "where the forecast goes (new or empty); default RUN_DIR/predict/<timestamp>")
      ->type_name("DIR");
  command->add_flag(
      "--no-plots", [options](std::int64_t) { options->plots = false; }, "skip forecast.png");
  add_run_folder_plugin_options(*command, options->common);
  return {command, [options] { return forecast_run(*options); }};
}

}  // namespace seqlab
