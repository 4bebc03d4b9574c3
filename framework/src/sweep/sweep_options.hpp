// What the command line tells a sweep.
#pragma once

#include <string>

#include "runs/run_options.hpp"

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
  int max_array_size = 1000;  // --max-array-size for --emit-slurm: at most this many array tasks (Slurm's
                              // MaxArraySize is 1001 by default: task ids up to 1000)
  std::string backend;        // --backend: local (also when empty) | mpi (mpi/sweep_mpi.hpp)
  double rank_timeout = 60;   // --rank-timeout (mpi): seconds of silence after which a rank counts as dead
};

}  // namespace seqlab
