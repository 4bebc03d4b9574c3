// The runner's subcommands, separate from argument parsing so they read as plain functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace seqlab {

class BatchSplit;

struct CommonOptions {
  std::vector<std::string> plugin_dirs;  // --plugin-dir, in order
};

struct RunOptions {
  CommonOptions common;
  std::string experiment;              // EXP.yaml
  std::vector<std::string> overrides;  // key.path=value
  std::string out;                     // --out; empty = runs/<name>/<timestamp>
  int threads = 0;                     // --threads; 0 = from the experiment
  bool plots = true;                   // --no-plots clears it
  std::string command_line;            // recorded in summary.json
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  // main()'s start
};

// Inside a catch block: prints the exception being handled as the CLI does and
// returns its exit code (ConfigError and PluginLoadError 2, anything else 1).
int report_exception();

// `--backend mpi` in a seqlab built without MPI: says so, returns exit code 2.
int refuse_mpi_backend();

// Each returns the process exit code: 0 success, 2 bad usage or configuration,
// 1 a failure during the run. Errors are printed to stderr.
// With a `split` (run_mpi.cpp), this is one of several processes training the
// run data-parallel: all of them train, only part 0 writes the folder and prints.
int run_command(const RunOptions& options, BatchSplit* split = nullptr);
int validate_command(const RunOptions& options);
int plugins_command(const CommonOptions& common, const std::string& name);
// Writes the Markdown reference of every plugin to `file`, or stdout when empty or "-".
int plugins_markdown_command(const CommonOptions& common, const std::string& file);
// Runs the conformance suite on a plugin file (a path) or every plugin of that
// name, with `params` ("key=value") for its parameters. 0 all checks pass, 1 a
// check fails, 2 bad usage or an unloadable plugin.
int check_command(const CommonOptions& common, const std::string& plugin, const std::vector<std::string>& params);

}  // namespace seqlab
