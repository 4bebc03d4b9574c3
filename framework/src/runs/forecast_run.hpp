// `seqlab predict`: a finished run's model forecasting past the end of its data, or of another file.
#pragma once

#include <cstddef>
#include <string>

#include "runs/run_options.hpp"

namespace seqlab {

struct PredictOptions {
  CommonOptions common;
  std::string run_dir;
  std::size_t steps = 0;  // --steps K
  std::string input;      // --input FILE: forecast from its end instead of the run's data's
  std::string out;        // default RUN_DIR/predict/<timestamp>
  bool plots = true;
};

// Writes forecast.csv (the time column continued at the data's spacing, one column per target, and the truth
// beside it where the dataset knows it) and forecast.png. Returns the exit code (0, 1 or 2).
int forecast_run(const PredictOptions& options);

}  // namespace seqlab
