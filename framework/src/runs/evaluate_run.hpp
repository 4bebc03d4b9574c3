// `seqlab eval`: a finished run's model scored again, on its own test split or on another file, beside the
// baselines, into a folder of its own.
#pragma once

#include <string>
#include <vector>

#include "runs/run_options.hpp"

namespace seqlab {

struct EvalOptions {
  CommonOptions common;
  std::string run_dir;
  std::string data;                    // --data FILE: score all of it instead of the run's test split
  std::vector<std::string> overrides;  // on top of RUN_DIR/config.yaml
  std::string out;                     // default RUN_DIR/eval/<timestamp>
  bool plots = true;
};

// Writes eval.json, predictions.csv and the prediction plot; never touches the run's own files.
// Returns the exit code: 0, 2 for a bad run folder, data or setting, 1 for a failure while scoring.
int evaluate_run(const EvalOptions& options);

// The overrides that point a run's dataset at another file, read whole as test data: dataset.path=FILE
// (absolute) and dataset.split=[0, 0, 1]. Shared by eval --data and predict --input.
std::vector<std::string> other_file_overrides(const std::string& file);

}  // namespace seqlab
