// Setting a sweep up the same way for every backend: local, Slurm shards and MPI.
// Tested in tests/sweep/test_sweep.cpp, tests/sweep/test_conditional_sweep_run.cpp
#include "sweep/sweep_setup.hpp"

#include "sweep/trial_expansion.hpp"
#include "sweep/trial_resolution.hpp"

namespace seqlab {

SweepSetup set_up_sweep(const SweepOptions& options) {
  SweepSetup setup;
  setup.loaded = load_experiment(options.run.experiment, options.run.overrides, options.run.common.plugin_dirs);
  setup.spec = parse_sweep(*setup.base().source);
  setup.trials = expand_trials(setup.spec, setup.base().seed);
  // Every trial is checked (and named) before the first one runs, and before the sweep folder exists.
  resolve_trials(setup.trials, options.run.experiment, options.run.overrides, *setup.loaded.registry);
  return setup;
}

std::filesystem::path sweep_folder(const SweepOptions& options, const ResolvedExperiment& base) {
  return options.run.out.empty() ? std::filesystem::path("runs") / (base.name + "-sweep")
                                 : std::filesystem::path(options.run.out);
}

}  // namespace seqlab
