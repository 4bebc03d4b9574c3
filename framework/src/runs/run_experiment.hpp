// One experiment run from start to end: load, train, and write its run folder.
#pragma once

#include "runs/run_options.hpp"

namespace seqlab {

class BatchSplit;

// Loads and validates the experiment, creates its components, trains, and
// writes the run folder (config.yaml, metrics.csv as it goes, summary.json,
// weights, predictions, plots). Returns the process exit code: 0 success,
// 2 bad usage or configuration (nothing written), 1 a failure during the run.
// Errors are printed to stderr. With a `split` (mpi/run_mpi.cpp), this is one
// of several processes training the run data-parallel: all of them train,
// only part 0 writes the folder and prints.
int run_experiment(const RunOptions& options, BatchSplit* split = nullptr);

}  // namespace seqlab
