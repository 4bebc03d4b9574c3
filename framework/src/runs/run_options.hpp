// What the command line tells a run: the experiment, its overrides and how to run it.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace seqlab {

class PluginRegistry;

struct CommonOptions {
  std::vector<std::string> plugin_dirs;  // --plugin-dir, in order
  bool allow_plugin_mismatch = false;    // --allow-plugin-mismatch (commands that read a run folder)
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
  // `seqlab reproduce`: the experiment is a run folder's config.yaml, data (its plugin_dirs are not followed),
  // and this checks the plugins found against the run's record before the experiment is resolved.
  bool experiment_in_run_folder = false;
  std::function<void(const PluginRegistry&)> check_plugins;
};

// The overrides a run applies: the command line's, then --threads as training.threads.
std::vector<std::string> run_overrides(const RunOptions& options);

}  // namespace seqlab
