// `seqlab run EXP.yaml [overrides]`: train one experiment into its run folder, here or data-parallel under MPI.
// Tested in tests/cli/test_cli_errors.cpp, tests/plugins/test_seed_workload.cpp,
//   tests/data_parallel/mpi_data_parallel_test.sh
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/subcommand.hpp"
#include "runs/run_experiment.hpp"
#ifdef SEQLAB_HAVE_MPI
#include "mpi/run_mpi.hpp"
#endif

namespace seqlab {

Subcommand add_run_command(CLI::App& app, const Invocation& invocation) {
  struct Options {
    RunOptions run;
    bool no_plots = false;
    std::string backend;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand("run", "train the experiment and write its run folder");
  add_experiment_arguments(*command, options->run);
  command->add_option("--out", options->run.out, "the run folder (new or empty); default runs/<name>/<timestamp>")
      ->type_name("DIR");
  command->add_option("--threads", options->run.threads, "BLAS and compute threads (overrides training.threads)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  command->add_flag("--no-plots", options->no_plots, "skip drawing loss.png and prediction.png");
  command
      ->add_option("--backend", options->backend,
                   "local: this process; mpi: under `mpirun -np N`, data-parallel over the ranks (each trains on "
                   "its share of every batch)")
      ->check(CLI::IsMember({"local", "mpi"}))
      ->type_name("local|mpi");
  return {command, [options, invocation] {
            RunOptions& run = options->run;
            run.plots = !options->no_plots;
            run.started = invocation.started;
            run.command_line = invocation.command_line;
            if (options->backend == "mpi") {
#ifdef SEQLAB_HAVE_MPI
              return run_mpi_command(run);
#else
              return refuse_mpi_backend();
#endif
            }
            return run_experiment(run);
          }};
}

}  // namespace seqlab
