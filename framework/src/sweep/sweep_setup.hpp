// A sweep before anything runs: the experiment resolved, the sweep section parsed, every trial resolved and named.
#pragma once

#include <filesystem>
#include <vector>

#include "config/experiment.hpp"
#include "sweep/sweep_options.hpp"
#include "sweep/sweep_spec.hpp"

namespace seqlab {

struct SweepSetup {
  LoadedExperiment loaded;  // the experiment as given (the base every trial overrides)
  SweepSpec spec;
  std::vector<SweepTrial> trials;  // in --dry-run order
  const ResolvedExperiment& base() const { return loaded.experiment; }
};

// Parses the experiment, expands the trials and resolves every one against
// the plugins, which names it. A bad one is a ConfigError at the offending
// entry, thrown before the sweep folder exists.
SweepSetup set_up_sweep(const SweepOptions& options);

// --out, or runs/<name>-sweep.
std::filesystem::path sweep_folder(const SweepOptions& options, const ResolvedExperiment& base);

}  // namespace seqlab
