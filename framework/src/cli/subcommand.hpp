// What a subcommand file gives main(): its CLI11 options, and the function to run once they are parsed.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "runs/run_options.hpp"

namespace CLI {
class App;
}

namespace seqlab {

// What main() knows before parsing, for the subcommands that record it.
struct Invocation {
  std::chrono::steady_clock::time_point started;  // the process's start, for the start-up time
  std::string command_line;                       // argv joined by spaces, recorded in summary.json
};

struct Subcommand {
  CLI::App* app = nullptr;   // true (`*app`) when the command line chose this subcommand
  std::function<int()> run;  // runs it with the parsed options; returns the exit code
};

// One per file cli/<name>_command.cpp, each adding its subcommand to `app`.
// The options it parses into live as long as the returned `run`.
Subcommand add_run_command(CLI::App& app, const Invocation& invocation);
Subcommand add_validate_command(CLI::App& app, const Invocation& invocation);
Subcommand add_plugins_command(CLI::App& app, const Invocation& invocation);
Subcommand add_check_command(CLI::App& app, const Invocation& invocation);
Subcommand add_reproduce_command(CLI::App& app, const Invocation& invocation);
Subcommand add_compare_command(CLI::App& app, const Invocation& invocation);
Subcommand add_report_command(CLI::App& app, const Invocation& invocation);
Subcommand add_sweep_command(CLI::App& app, const Invocation& invocation);
Subcommand add_eval_command(CLI::App& app, const Invocation& invocation);
Subcommand add_predict_command(CLI::App& app, const Invocation& invocation);
Subcommand add_resume_command(CLI::App& app, const Invocation& invocation);
Subcommand add_reference_command(CLI::App& app, const Invocation& invocation);
Subcommand add_call_command(CLI::App& app, const Invocation& invocation);

// Options several subcommands share.
void add_plugin_dir_option(CLI::App& app, CommonOptions& common);
// For the commands that read a run folder (eval, predict, resume, reproduce): --plugin-dir, and
// --allow-plugin-mismatch to go on with a plugin whose sha256 differs from the run's record.
void add_run_folder_plugin_options(CLI::App& app, CommonOptions& common);
// EXP.yaml, the overrides after it, and --plugin-dir.
void add_experiment_arguments(CLI::App& app, RunOptions& options);

// `--backend mpi` in a seqlab built without MPI: says so, returns exit code 2.
int refuse_mpi_backend();

}  // namespace seqlab
