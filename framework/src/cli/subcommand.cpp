// The options and refusals that several subcommands share.
// Tested in tests/cli/test_cli_errors.cpp
#include "cli/subcommand.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace seqlab {

void add_plugin_dir_option(CLI::App& app, CommonOptions& common) {
  app.add_option("--plugin-dir", common.plugin_dirs,
                 "also load plugins from DIR (repeatable; searched before SEQLAB_PLUGIN_PATH and build/plugins)")
      ->type_name("DIR")
      ->allow_extra_args(false);  // one folder per --plugin-dir: what follows is an override, not another folder
}

void add_run_folder_plugin_options(CLI::App& app, CommonOptions& common) {
  // The run folder never adds a plugin folder: the run's plugins are found by name in these.
  app.add_option("--plugin-dir", common.plugin_dirs,
                 "look for the run's plugins in DIR too (repeatable; searched before SEQLAB_PLUGIN_PATH and "
                 "build/plugins); never in a folder the run folder names")
      ->type_name("DIR")
      ->allow_extra_args(false);
  app.add_flag("--allow-plugin-mismatch", common.allow_plugin_mismatch,
               "go on (with a warning) when a plugin found is not the build the run used (its sha256 differs); "
               "results may differ");
}

void add_experiment_arguments(CLI::App& app, RunOptions& options) {
  app.add_option("experiment", options.experiment, "the experiment file (YAML)")->required()->type_name("EXP.yaml");
  app.add_option("overrides", options.overrides, "settings that replace the file's, e.g. optimizer.lr=0.003 seed=3")
      ->type_name("key.path=value");
  add_plugin_dir_option(app, options.common);
}

int refuse_mpi_backend() {
  std::cerr << "error: this seqlab was built without MPI; install libopenmpi-dev and rebuild\n";
  return 2;
}

}  // namespace seqlab
