// seqlab's command line: run, validate, plugins and check, parsed with CLI11.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "commands.hpp"
#include "sweep_runner.hpp"
#include "compare.hpp"
#include "reproduce.hpp"
#include "seqlab/version.hpp"
#ifdef SEQLAB_HAVE_MPI
#include "run_mpi.hpp"
#endif

namespace {

void add_plugin_dir_option(CLI::App& app, seqlab::CommonOptions& common) {
  app.add_option("--plugin-dir", common.plugin_dirs,
                 "also load plugins from DIR (repeatable; searched before SEQLAB_PLUGIN_PATH and build/plugins)")
      ->type_name("DIR")
      ->allow_extra_args(false);  // one folder per --plugin-dir: what follows is an override, not another folder
}

void add_experiment_arguments(CLI::App& app, seqlab::RunOptions& options) {
  app.add_option("experiment", options.experiment, "the experiment file (YAML)")->required()->type_name("EXP.yaml");
  app.add_option("overrides", options.overrides, "settings that replace the file's, e.g. optimizer.lr=0.003 seed=3")
      ->type_name("key.path=value");
  add_plugin_dir_option(app, options.common);
}

}  // namespace

int main(int argc, char** argv) {
  const auto started = std::chrono::steady_clock::now();
  // A dead gnuplot pipe must be an error we report, not a silent death.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"seqlab: sequence-model experiments from YAML, every component a plugin"};
  app.set_version_flag("--version", std::string("seqlab ") + seqlab::kVersion);
  app.require_subcommand(1);

  seqlab::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "train the experiment and write its run folder");
  add_experiment_arguments(*run_cmd, run);
  run_cmd->add_option("--out", run.out, "the run folder (new or empty); default runs/<name>/<timestamp>")
      ->type_name("DIR");
  run_cmd->add_option("--threads", run.threads, "BLAS and compute threads (overrides training.threads)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  bool no_plots = false;
  run_cmd->add_flag("--no-plots", no_plots, "skip drawing loss.png and prediction.png");
  std::string run_backend;
  run_cmd
      ->add_option("--backend", run_backend,
                   "local: this process; mpi: under `mpirun -np N`, data-parallel over the ranks (each trains on "
                   "its share of every batch)")
      ->check(CLI::IsMember({"local", "mpi"}))
      ->type_name("local|mpi");

  seqlab::RunOptions validate;
  auto* validate_cmd = app.add_subcommand(
      "validate", "check an experiment without training: parse, resolve, create the plugins, check shapes");
  add_experiment_arguments(*validate_cmd, validate);

  seqlab::CommonOptions plugins;
  std::string plugin_name;
  auto* plugins_cmd = app.add_subcommand("plugins", "list the plugins, or one plugin's parameters");
  plugins_cmd->add_option("name", plugin_name, "show this plugin's parameters")->type_name("NAME");
  add_plugin_dir_option(*plugins_cmd, plugins);
  std::string markdown_file;
  auto* markdown_opt =
      plugins_cmd
          ->add_option("--markdown", markdown_file,
                       "write the reference of every plugin (parameter tables from the schemas) as Markdown to FILE, "
                       "or stdout without FILE; e.g. seqlab plugins --markdown plugins/README.md")
          ->expected(0, 1)
          ->type_name("[FILE]");

  seqlab::CommonOptions check;
  std::string check_plugin;
  std::vector<std::string> check_params;
  auto* check_cmd = app.add_subcommand(
      "check",
      "run the conformance suite on a plugin: schema sanity, construction, and by kind a finite-difference gradient "
      "check (models, losses), descent on a quadratic (optimizers), determinism and shapes (datasets). "
      "Exit 0 all pass, 1 a check fails, 2 bad usage or an unloadable plugin");
  check_cmd->add_option("plugin", check_plugin, "a plugin library (path to a .so) or a plugin name")
      ->required()
      ->type_name("PLUGIN_FILE_OR_NAME");
  check_cmd
      ->add_option("params", check_params,
                   "values for the plugin's parameters (default: their defaults; required ones must be given)")
      ->type_name("key=value");
  add_plugin_dir_option(*check_cmd, check);

  seqlab::ReproduceOptions reproduce;
  auto* reproduce_cmd = app.add_subcommand(
      "reproduce",
      "rerun a run from its record (config.yaml, summary.json) and report whether metrics, predictions and weights "
      "are byte-identical. Exit 0 identical, 1 different, 2 not a run folder");
  reproduce_cmd->add_option("run_dir", reproduce.run_dir, "the run folder")->required()->type_name("RUN_DIR");
  reproduce_cmd->add_option("--out", reproduce.out, "where the rerun goes (new or empty); default RUN_DIR-reproduced")
      ->type_name("DIR");
  add_plugin_dir_option(*reproduce_cmd, reproduce.common);

  seqlab::CompareOptions compare;
  auto* compare_cmd = app.add_subcommand(
      "compare", "compare runs (or sweeps): the settings that differ, the metrics, and overlaid loss curves");
  compare_cmd->add_option("runs", compare.runs, "run folders, or sweep folders")->required()->type_name("RUN_DIR...");
  compare_cmd->add_option("--out", compare.out, "also write compare.md and loss_overlay.png into DIR")
      ->type_name("DIR");

  seqlab::SweepOptions sweep;
  auto* sweep_cmd = app.add_subcommand(
      "sweep", "run every trial of the experiment's sweep: section, each as its own run; rerun to resume");
  add_experiment_arguments(*sweep_cmd, sweep.run);
  sweep_cmd->add_option("--out", sweep.run.out, "the sweep folder; default runs/<name>-sweep")->type_name("DIR");
  sweep_cmd->add_option("--jobs", sweep.jobs, "trials at a time (default: the number of cores)")
      ->check(CLI::PositiveNumber)
      ->type_name("N");
  sweep_cmd->add_flag("--dry-run", sweep.dry_run, "list the trials (id, seed, settings) and exit");
  sweep_cmd->add_flag("--retry-failed", sweep.retry_failed, "rerun the trials a previous sweep recorded as failed");
  sweep_cmd->add_flag("--no-plots", sweep.no_plots, "skip best_trials.png and metric_vs_<param>.png");
  auto* shard_opt =
      sweep_cmd
          ->add_option("--shard", sweep.shard,
                       "run only share I of N (1 <= I <= N): the trials k with k % N == I - 1; no summary")
          ->type_name("I/N");
  auto* collect_opt = sweep_cmd->add_flag(
      "--collect", sweep.collect, "run nothing: write summary.csv, summary.md and the plots from the finished trials");
  auto* slurm_opt =
      sweep_cmd->add_option("--emit-slurm", sweep.emit_slurm, "write an sbatch job-array script (one --shard per task)")
          ->type_name("FILE");
  sweep_cmd->add_option("--shards", sweep.shards, "array tasks for --emit-slurm (default: one per trial)")
      ->check(CLI::PositiveNumber)
      ->type_name("N")
      ->needs(slurm_opt);
  sweep_cmd->add_option("--max-concurrent", sweep.max_concurrent, "array tasks at a time for --emit-slurm (%K)")
      ->check(CLI::PositiveNumber)
      ->type_name("K")
      ->needs(slurm_opt);
  auto* backend_opt =
      sweep_cmd
          ->add_option("--backend", sweep.backend,
                       "local: child processes on this machine; mpi: under `mpirun -np N`, trials spread over the ranks")
          ->check(CLI::IsMember({"local", "mpi"}))
          ->type_name("local|mpi");
  sweep_cmd
      ->add_option("--rank-timeout", sweep.rank_timeout,
                   "with --backend mpi: a rank silent this long (it reports every second) is taken as dead and its "
                   "trial recorded as failed")
      ->check(CLI::Range(3.0, 1e9))
      ->type_name("SECONDS")
      ->needs(backend_opt);
  shard_opt->excludes(collect_opt)->excludes(slurm_opt);
  collect_opt->excludes(slurm_opt);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    // --help and --version succeed; every other parse problem is bad usage.
    return code == 0 ? 0 : 2;
  }

  if (*run_cmd) {
    run.plots = !no_plots;
    run.started = started;
    for (int i = 0; i < argc; ++i) run.command_line += (i ? " " : "") + std::string(argv[i]);
    if (run_backend == "mpi") {
#ifdef SEQLAB_HAVE_MPI
      return seqlab::run_mpi_command(run);
#else
      return seqlab::refuse_mpi_backend();
#endif
    }
    return seqlab::run_command(run);
  }
  if (*sweep_cmd) return seqlab::sweep_command(sweep);
  if (*validate_cmd) return seqlab::validate_command(validate);
  if (*check_cmd) return seqlab::check_command(check, check_plugin, check_params);
  if (*reproduce_cmd) return seqlab::reproduce_command(reproduce);
  if (*compare_cmd) return seqlab::compare_command(compare);
  if (markdown_opt->count() > 0) {
    if (!plugin_name.empty()) {
      std::cerr << "error: --markdown documents every plugin; leave out NAME\n";
      return 2;
    }
    return seqlab::plugins_markdown_command(plugins, markdown_file);
  }
  return seqlab::plugins_command(plugins, plugin_name);
}
