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
  std::string shard;          // --shard I/N: run only the trials k with k % N == I - 1, write no summary
  bool collect = false;       // --collect: summarise what has finished, run nothing
  std::string emit_slurm;     // --emit-slurm FILE: write an sbatch job-array script and exit
  int shards = 0;             // --shards N for --emit-slurm; 0 = one array task per trial
  int max_concurrent = 0;     // --max-concurrent K for --emit-slurm (the array's %K); 0 = no limit
};

// Trials are claimed with an flock on .locks/<id>.lock, held by the trial's
// process until its record is written, so shards sharing a folder, and a
// rerun after a sweep was SIGKILLed (its children live on), never run a trial
// twice nor clear one that is still being written: they wait for it instead.
//
// 0 every trial completed (--collect: every finished trial completed); 1 a trial failed (each is still recorded); 2 a
// bad experiment or sweep section, reported before any trial runs; 130 interrupted by SIGINT/SIGTERM (children stopped,
// summary of what finished written).
int sweep_command(const SweepOptions& options);

}  // namespace seqlab
