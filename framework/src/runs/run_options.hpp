// What the command line tells a run: the experiment, its overrides and how to run it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace seqlab {

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

// The overrides a run applies: the command line's, then --threads as training.threads.
std::vector<std::string> run_overrides(const RunOptions& options);

}  // namespace seqlab
