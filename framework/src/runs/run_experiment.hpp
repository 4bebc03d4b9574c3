// One experiment run from start to end: load, train, and write its run folder.
#pragma once

#include "runs/run_options.hpp"

namespace seqlab {

class BatchSplit;
class RunFolder;
class Trainer;
struct Components;
struct ResolvedExperiment;

// Loads and validates the experiment, creates its components, trains, and
// writes the run folder (config.yaml, metrics.csv as it goes, summary.json,
// weights, predictions, plots). Returns the process exit code: 0 success,
// 2 bad usage or configuration (nothing written), 1 a failure during the run.
// Errors are printed to stderr. With a `split` (mpi/run_mpi.cpp), this is one
// of several processes training the run data-parallel: all of them train,
// only part 0 writes the folder and prints.
int run_experiment(const RunOptions& options, BatchSplit* split = nullptr);

// A run set up and ready to train (new, or restored from a checkpoint by `seqlab resume`).
struct TrainingJob {
  const ResolvedExperiment& experiment;
  Components& components;
  Trainer& trainer;
  RunFolder* folder;  // null in the data-parallel processes that do not write
  const RunOptions& options;
  BatchSplit* split = nullptr;
  double startup_ms = 0;
};

// Trains the job's remaining epochs into its folder (metrics.csv, checkpoints), then writes weights,
// predictions, test scores, plots and summary.json. Returns the exit code: 0, 1 for a divergence,
// 130/143 when SIGINT/SIGTERM stopped training (a checkpoint is written and the resume command printed).
int train_and_record(const TrainingJob& job);

}  // namespace seqlab
