// `seqlab sweep`: every trial of the sweep section as its own `seqlab run` child process, resumable.
#pragma once

#include "commands.hpp"

namespace seqlab {

struct SweepOptions {
  RunOptions run;             // experiment, overrides, --out (default runs/<name>-sweep), --plugin-dir
  int jobs = 0;               // --jobs; 0 = the number of cores
  bool dry_run = false;       // list the trials and exit
  bool retry_failed = false;  // rerun trials recorded as failed
  bool no_plots = false;      // skip best_trials.png and metric_vs_<param>.png
};

// 0 every trial completed; 1 a trial failed (each is still recorded); 2 a bad
// experiment or sweep section, reported before any trial runs; 130 interrupted
// by SIGINT/SIGTERM (children stopped, summary of what finished written).
int sweep_command(const SweepOptions& options);

}  // namespace seqlab
