// `seqlab resume RUN_DIR [--epochs N]`: a run stopped (or finished) with a checkpoint, trained on.
#pragma once

#include <string>

#include "runs/run_options.hpp"

namespace seqlab {

struct ResumeOptions {
  CommonOptions common;
  std::string run_dir;
  int epochs = 0;  // --epochs: the run's new total; 0 = the epochs it was started with
  bool plots = true;
  std::string command_line;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// Reloads RUN_DIR's config.yaml and plugins (plugins.json), restores its checkpoint.bin (weights,
// optimizer, scheduler, early stopping, every random stream, the epoch and metrics so far) and trains
// the remaining epochs into the same folder: the result is byte-identical to the run uninterrupted
// (metrics.csv's seconds aside). Returns the exit code as `seqlab run` does.
int resume_run(const ResumeOptions& options);

}  // namespace seqlab
