// `seqlab sweep EXP.yaml`: every trial of the experiment's sweep: section, locally, as Slurm shards or over MPI.
// Tested in tests/sweep/test_sweep.cpp, tests/sweep/test_sweep_spec.cpp, tests/sweep/test_sweep_mpi_options.cpp
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli/subcommand.hpp"
#include "config/config_error.hpp"
#include "config/error_report.hpp"
#include "sweep/slurm_script.hpp"
#include "sweep/sweep_setup.hpp"
#include "sweep/trial_scheduler.hpp"
#ifdef SEQLAB_HAVE_MPI
#include "mpi/sweep_mpi.hpp"
#endif

namespace seqlab {

namespace {

// "I/N" with 1 <= I <= N, as Slurm's $SLURM_ARRAY_TASK_ID for --array=1-N.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  std::size_t index = 0, count = 0;
  try {
    std::size_t used = 0;
    if (slash != std::string::npos) {
      index = std::stoul(text.substr(0, slash), &used);
      if (used != slash) index = 0;
      count = std::stoul(text.substr(slash + 1), &used);
      if (used != text.size() - slash - 1) count = 0;
    }
  } catch (const std::exception&) {
    index = count = 0;
  }
  if (index < 1 || count < 1 || index > count) {
    SourceLocation where;
    where.override = "--shard " + text;
    throw ConfigError(where, "", "--shard wants I/N with 1 <= I <= N (Slurm: $SLURM_ARRAY_TASK_ID/N with --array=1-N)");
  }
  return {index - 1, count};
}

// 0 every trial completed; 1 a trial failed; 2 a bad experiment or sweep section,
// reported before any trial runs; 130 interrupted (see TrialScheduler::run).
int sweep(const SweepOptions& options) {
  if (options.backend == "mpi") {
#ifdef SEQLAB_HAVE_MPI
    return sweep_mpi_command(options);
#else
    return refuse_mpi_backend();
#endif
  }
  return report_errors([&] {
    SweepSetup setup = set_up_sweep(options);
    if (options.dry_run) {
      const std::size_t configurations = setup.trials.size() / static_cast<std::size_t>(setup.spec.repeats);
      std::cout << fmt::format("{} trials ({}: {} configurations x {} seeds)\n", setup.trials.size(), setup.spec.method,
                               configurations, setup.spec.repeats);
      for (const auto& t : setup.trials) std::cout << t.id << "  seed=" << t.seed << "  " << t.configuration << "\n";
      return 0;
    }
    if (!options.emit_slurm.empty()) {
      emit_slurm_script(options, setup.base(), setup.trials.size());
      return 0;
    }
    const auto [shard_index, shard_count] =
        options.shard.empty() ? std::pair<std::size_t, std::size_t>{0, 1} : parse_shard(options.shard);
    return TrialScheduler(options, std::move(setup), shard_index, shard_count).run();
  });
}

}  // namespace

Subcommand add_sweep_command(CLI::App& app, const Invocation&) {
  auto options = std::make_shared<SweepOptions>();
  auto* command = app.add_subcommand(
      "sweep", "run every trial of the experiment's sweep: section, each as its own run; rerun to resume");
  add_experiment_arguments(*command, options->run);
  command->add_option("--out", options->run.out, "the sweep folder; default runs/<name>-sweep")->type_name("DIR");
  command->add_option("--jobs", options->jobs, "trials at a time (default: the number of cores)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  command->add_flag("--dry-run", options->dry_run, "list the trials (id, seed, settings) and exit");
  command->add_flag("--retry-failed", options->retry_failed, "rerun the trials a previous sweep recorded as failed");
  command->add_flag("--no-plots", options->no_plots, "skip best_trials.png and metric_vs_<param>.png");
  auto* shard_opt =
      command
          ->add_option("--shard", options->shard,
                       "run only share I of N (1 <= I <= N): the trials k with k % N == I - 1; no summary")
          ->type_name("I/N");
  auto* collect_opt =
      command->add_flag("--collect", options->collect,
                        "run nothing: write summary.csv, summary.md and the plots from the finished trials");
  auto* slurm_opt =
      command
          ->add_option("--emit-slurm", options->emit_slurm, "write an sbatch job-array script (one --shard per task)")
          ->type_name("FILE");
  command->add_option("--shards", options->shards, "array tasks for --emit-slurm (default: one per trial)")
      ->check(CLI::PositiveNumber)
      ->type_name("N")
      ->needs(slurm_opt);
  command
      ->add_option("--max-array-size", options->max_array_size,
                   "at most this many array tasks for --emit-slurm (Slurm's MaxArraySize; default 1000): more trials "
                   "than that share tasks")
      ->check(CLI::PositiveNumber)
      ->type_name("N")
      ->needs(slurm_opt);
  command->add_option("--max-concurrent", options->max_concurrent, "array tasks at a time for --emit-slurm (%K)")
      ->check(CLI::PositiveNumber)
      ->type_name("K")
      ->needs(slurm_opt);
  auto* backend_opt =
      command
          ->add_option(
              "--backend", options->backend,
              "local: child processes on this machine; mpi: under `mpirun -np N`, trials spread over the ranks")
          ->check(CLI::IsMember({"local", "mpi"}))
          ->type_name("local|mpi");
  command
      ->add_option("--rank-timeout", options->rank_timeout,
                   "with --backend mpi: a rank silent this long (it reports every second) is taken as dead and its "
                   "trial recorded as failed")
      ->check(CLI::Range(3.0, 1e9))
      ->type_name("SECONDS")
      ->needs(backend_opt);
  shard_opt->excludes(collect_opt)->excludes(slurm_opt);
  collect_opt->excludes(slurm_opt);

  return {command, [options] { return sweep(*options); }};
}

}  // namespace seqlab
