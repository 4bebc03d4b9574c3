// Resolving every trial of a sweep against the plugins before anything runs, which names it.
#pragma once

#include <string>
#include <vector>

#include "host/plugin_loader.hpp"
#include "sweep/sweep_spec.hpp"

namespace seqlab {

// Resolves each trial against the plugins exactly as `seqlab run` would, before
// anything runs (an error caused by a swept value is reported at that value in
// the sweep section), and names it: its id hashes the resolved configuration,
// so an edit to the experiment file, an override on the command line or a new
// plugin default that changes what a trial trains also changes its id, and a
// resumed sweep never takes a stale result for it. A trial that resolves to the
// same configuration as an earlier one (a random draw repeated, a value equal to
// the default) is dropped. The file is parsed once, and each plugin setting
// checked once however many trials share it (ExperimentVariants).
void resolve_trials(std::vector<SweepTrial>& trials, const std::string& file,
                    const std::vector<std::string>& base_overrides, const PluginRegistry& registry);

}  // namespace seqlab
