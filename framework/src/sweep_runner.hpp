// `seqlab sweep`: every trial of the sweep section as its own `seqlab run` child process, resumable.
#pragma once

#include <memory>
#include <string>
#include <vector>

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
  std::string backend;        // --backend: local (also when empty) | mpi (sweep_mpi.hpp)
  double rank_timeout = 60;   // --rank-timeout (mpi): seconds of silence after which a rank counts as dead
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

// One sweep's trials, set up exactly as `seqlab sweep` sets them up, for a
// backend that hands them out itself (sweep_mpi.cpp). Trials are run, locked and
// recorded as the local runner does; every method may throw as sweep_command reports.
class SweepDriver {
 public:
  // Parses the experiment, expands the trials and resolves every one against
  // the plugins, which names it (a ConfigError at the offending entry).
  explicit SweepDriver(const SweepOptions& options);
  ~SweepDriver();
  SweepDriver(const SweepDriver&) = delete;
  SweepDriver& operator=(const SweepDriver&) = delete;

  const std::vector<std::string>& trial_ids() const;  // in --dry-run order
  // One trial at a time in this process, with --threads = the cores it may use
  // (sched_getaffinity); `announce` = print a line per trial it finishes.
  void use_one_job_per_process(bool announce, const std::string& layout);
  int threads() const;
  // Checks the folder, skips finished trials, clears half-written ones, prints
  // the sweep's header line; the trials left to run.
  std::vector<std::size_t> prepare();
  bool start(std::size_t i);  // false: another process holds trial i, try later
  bool busy();                // reaps (and records) finished trials; true while one still runs
  void stop();                // kills the running trial (SIGINT/SIGTERM); its folder is rerun next time
  static bool stop_requested();
  void note_finished(std::size_t i, const std::string& where);  // another process recorded trial i
  // Trial i's process is gone without a word (an MPI rank died running it). false while
  // another process still holds the trial's lock: try later. Otherwise it is recorded
  // and announced: from its own record if it has one, as completed if its run finished,
  // else as failed with `detail`.
  bool settle_abandoned(std::size_t i, const std::string& detail, const std::string& where);
  int collect();                                                // summary.csv, summary.md and the plots, as --collect

  // While one lives, SIGINT and SIGTERM only set stop_requested().
  class CatchStopSignals {
   public:
    CatchStopSignals();

   private:
    std::shared_ptr<void> signals_;
  };

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace seqlab
