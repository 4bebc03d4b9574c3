// `seqlab eval RUN_DIR [--data FILE] [key=value ...] [--out DIR]`: score a finished run's model again.
// Tested in tests/runs/test_eval_predict.cpp
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/subcommand.hpp"
#include "runs/evaluate_run.hpp"

namespace seqlab {

Subcommand add_eval_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<EvalOptions>();
  auto* command = app.add_subcommand(
      "eval",
      "score a finished run's model on its test split, or on another file with the same columns, beside the "
      "persistence and linear-AR baselines; results go to RUN_DIR/eval/<timestamp>/, the run's own files are not "
      "touched");
  command->add_option("run_dir", options->run_dir, "the run folder")->required()->type_name("RUN_DIR");
  command->add_option("overrides", options->overrides, "settings that replace the run's, e.g. training.threads=1")
      ->type_name("key.path=value");
  command->add_option("--data", options->data, "score this file, all of it, instead of the run's test split")
      ->type_name("FILE");
  command->add_option("--out", options->out, "where the results go (new or empty); default RUN_DIR/eval/<timestamp>")
      ->type_name("DIR");
  command->add_flag(
      "--no-plots", [options](std::int64_t) { options->plots = false; }, "skip prediction.png");
  add_run_folder_plugin_options(*command, options->common);
  return {command, [options] { return evaluate_run(*options); }};
}

}  // namespace seqlab
