// Running a sweep's trials: each a `seqlab run` child process, --jobs at a time, claimed by lock, recorded, resumable.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "sweep/sweep_options.hpp"
#include "sweep/sweep_report.hpp"
#include "sweep/sweep_setup.hpp"
#include "sweep/trial_record.hpp"

namespace seqlab {

// Trials are claimed with an flock on .locks/<id>.lock, held by the trial's
// process until its record is written, so shards sharing a folder, and a
// rerun after a sweep was SIGKILLed (its children live on), never run a trial
// twice nor clear one that is still being written: they wait for it instead.
//
// The local backend calls run(); the MPI backend (mpi/sweep_mpi.cpp) hands
// trials out itself through prepare(), start(), busy() and the rest. Every
// method may throw as `seqlab sweep` reports.
// The epochs the run in `dir` trained, from its summary.json (0 without one).
int run_epochs(const std::filesystem::path& dir);

class TrialScheduler {
 public:
  // Runs the trials k with k % shard_count == shard_index (0-based).
  TrialScheduler(const SweepOptions& options, SweepSetup setup, std::size_t shard_index = 0,
                 std::size_t shard_count = 1);

  // The local sweep (or --collect). 0 every trial completed (--collect: every
  // finished trial completed); 1 a trial failed (each is still recorded);
  // 130 interrupted by SIGINT/SIGTERM (children stopped, summary of what
  // finished written).
  int run();

  std::vector<std::string> trial_ids() const;  // in --dry-run order
  // One trial at a time in this process, with --threads = the cores it may use
  // (sched_getaffinity); `announce` = print a line per trial it finishes.
  void use_one_job_per_process(bool announce, const std::string& layout);
  int threads() const { return threads_; }
  // Checks the folder, skips finished trials, clears half-written ones, prints
  // the sweep's header line; the trials of this shard left to run, in order
  // (a trial another process still holds is included: start() waits for it).
  std::deque<std::size_t> prepare();
  // false: another process holds trial i, try later; otherwise it started (or
  // was found finished by that other process: recorded, or adopted).
  bool start(std::size_t i);
  bool busy();  // reaps (and records) finished trials; true while one still runs
  void stop();  // kills the running trials (SIGINT/SIGTERM); their folders are rerun next time
  void note_finished(std::size_t i, const std::string& where);  // another process recorded trial i
  // Trial i's process is gone without a word (an MPI rank died running it). false while
  // another process still holds the trial's lock: try later. Otherwise it is recorded
  // and announced: from its own record if it has one, as completed if its run finished,
  // else as failed with `detail`.
  bool settle_abandoned(std::size_t i, const std::string& detail, const std::string& where);
  // Successive halving, for a backend that hands out trials itself (mpi/sweep_mpi.cpp): how many
  // rungs (0: no halving); the rung start() trains to (set on every process); the trials of `in`
  // the current rung still has to train (printing the rung's line); and, once the rung is
  // recorded, those of `in` that go on.
  int rungs() const;
  void set_rung(int rung);
  std::deque<std::size_t> rung_queue(const std::vector<std::size_t>& in) const;
  std::vector<std::size_t> promote(const std::vector<std::size_t>& in) const;
  // --collect: summary.csv, summary.md and the plots from every trial that has
  // finished; nothing runs, nothing is cleared.
  int collect();

 private:
  struct Running {
    std::size_t index;
    pid_t pid;
    std::chrono::steady_clock::time_point started;
    bool timed_out = false;
    int lock = -1;  // the trial's flock, released once its record is written
  };

  std::filesystem::path trial_dir(std::size_t i) const { return trial_folder(out_, setup_.trials[i]); }
  std::filesystem::path log_file(std::size_t i, const char* stream) const;
  int try_lock(std::size_t i) const;
  void check_folder() const;
  void move_logs_in(std::size_t i) const;
  void adopt(std::size_t i);
  bool start_child(std::size_t i, int lock);
  // Runs the queue's trials, --jobs at a time, until all are done; false when a stop signal ended it.
  bool run_queue(std::deque<std::size_t> queue);
  // Successive halving (trial_rungs.cpp): the rungs in turn, each over the trials the last one
  // promoted; false when a stop signal ended it.
  bool run_rungs(std::deque<std::size_t> first_rung);
  // Adds this rung's epochs and metric to `r`, after the rungs trial i's record already had.
  void record_rung(std::size_t i, TrialResult& r) const;
  void finish(const Running& run, int status, double seconds);
  void poll();
  // ran_here: this process ran it (false: another process finished it meanwhile), for the ETA's pace.
  void announce(std::size_t i, const TrialResult& r, const std::string& where, bool ran_here = true);
  void progress(std::chrono::steady_clock::time_point started);
  void stop_all();
  void write_summaries();

  const SweepOptions& options_;
  SweepSetup setup_;
  std::size_t shard_index_ = 0, shard_count_ = 1;  // 0-based here; --shard counts from 1
  std::vector<TrialResult> results_;
  std::filesystem::path out_;
  int jobs_ = 1, threads_ = 1;
  bool tty_ = false;
  bool announce_ = true;  // print a line per finished trial
  std::string layout_;    // "N jobs x T threads" unless the MPI backend says otherwise
  std::size_t mine_ = 0;  // trials in this shard
  std::vector<Running> running_;
  std::size_t total_to_run_ = 0, finished_ = 0, failed_ = 0;
  std::size_t run_here_ = 0;  // of the finished, those this process ran (the ETA's pace)
  int rung_ = -1;             // halving: the rung being trained; -1: no halving
  std::vector<int> rung_epochs_;
  // report.html: live while this process runs the whole sweep and reports its trials (not a shard, not an MPI
  // worker rank), rewritten whole at the end.
  std::unique_ptr<SweepReport> report_;
  bool live_report() const { return shard_count_ == 1 && announce_; }
};

}  // namespace seqlab
