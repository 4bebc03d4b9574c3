// Writing what a sweep found: summary.csv, summary.md and, unless --no-plots, best_trials.png and
// metric_vs_<param>.png.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sweep/sweep_spec.hpp"
#include "sweep/trial_record.hpp"

namespace seqlab {

struct SweepSummaryInput {
  std::filesystem::path out;  // the sweep folder
  std::string name;           // the experiment's name
  const SweepSpec& spec;
  const std::vector<SweepTrial>& trials;
  const std::vector<TrialResult>& results;  // one per trial; `known` false for those not finished
  bool plots = true;
};

// Every file is written whole (atomically); plotting problems are one note on stderr.
void write_sweep_summary(const SweepSummaryInput& in);

}  // namespace seqlab
