// `seqlab validate EXP.yaml [overrides]`: everything a run does before its first epoch, then a one-line verdict.
// Tested in tests/cli/test_cli_errors.cpp, tests/training/test_memory_estimate.cpp
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/subcommand.hpp"
#include "config/error_report.hpp"
#include "config/experiment.hpp"
#include "forecast/series_diagnostics.hpp"
#include "runs/initial_weights.hpp"
#include "training/components.hpp"

namespace seqlab {

namespace {

int validate(const RunOptions& options) {
  return report_errors([&] {
    const LoadedExperiment loaded =
        load_experiment(options.experiment, run_overrides(options), options.common.plugin_dirs);
    Components c = instantiate(loaded.experiment);
    load_initial_weights(loaded.experiment, c);  // model.init_from: read and checked as `run` reads it
    std::size_t parameter_count = 0;
    for (const auto& param : c.model->parameters()) parameter_count += param.size();
    std::cout << options.experiment << ": ok — " << c.data.train.count() << " training and "
              << c.data.validation.count() << " validation sequences";
    if (c.data.test.count() > 0) std::cout << " (and " << c.data.test.count() << " test)";
    std::cout << " of " << c.shape.steps << " steps x " << c.shape.input_size << " features -> " << c.shape.target_steps
              << " x " << c.shape.output_size << " targets; model '" << loaded.experiment.model.plugin->name()
              << "' with " << parameter_count << " parameters\n";
    for (const auto& line : diagnostics_report(c, loaded.experiment)) std::cout << line << "\n";
    const auto limit = available_memory();
    std::cout << "memory: " << c.memory.text()
              << (limit ? "; this process may use " + format_bytes(limit->bytes) + " (" + limit->source + ")" : "")
              << "\n";
    return 0;
  });
}

}  // namespace

Subcommand add_validate_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<RunOptions>();
  auto* command = app.add_subcommand(
      "validate", "check an experiment without training: parse, resolve, create the plugins, check shapes");
  add_experiment_arguments(*command, *options);
  return {command, [options] { return validate(*options); }};
}

}  // namespace seqlab
