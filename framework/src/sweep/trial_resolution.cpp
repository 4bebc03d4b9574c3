// Resolving and naming the trials, with errors moved from the trial's override to its line in the sweep section.
// Tested in tests/sweep/test_conditional_sweep.cpp, tests/sweep/test_sweep_spec.cpp
#include "sweep/trial_resolution.hpp"

#include <fmt/format.h>
#include <iostream>
#include <set>

#include "config/experiment_variants.hpp"
#include "util/sha256.hpp"

namespace seqlab {

namespace {

constexpr std::size_t kProgressTrials = 1000;  // validation shows its progress every this many trials, from this many

// The conditional parameter behind the trial's choice of plugin for the section of setting `path`, if any.
const SweepParameter* choice_for(const SweepTrial& trial, const std::string& path, std::size_t& index) {
  for (std::size_t i = 0; i < trial.sources.size(); ++i) {
    const SweepParameter& p = *trial.sources[i];
    const std::string section = p.path.substr(0, p.path.rfind('.'));
    if (p.conditional() && path.rfind(section + ".", 0) == 0) {
      index = i;
      return &p;
    }
  }
  return nullptr;
}

bool is_choice_parameter(const SweepParameter& chooser, const SweepParameter& p) {
  for (const auto& set : chooser.per_choice)
    for (const SweepParameter& sub : set)
      if (&sub == &p) return true;
  return false;
}

// `e`, raised while resolving `trial`, as the sweep's user should see it: an error caused by a swept
// value at that value (or at its key, when the path is the problem) in the sweep section.
ConfigError in_sweep_terms(const ConfigError& e, const SweepTrial& trial) {
  const std::string prefix = e.where().describe() + ": error: " + (e.path().empty() ? "" : e.path() + ": ");
  const std::string message = std::string(e.what()).substr(prefix.size());
  const bool unknown = message.rfind("unknown parameter", 0) == 0 || message.rfind("unknown top-level key", 0) == 0;
  std::size_t choice = 0;
  const SweepParameter* chooser = choice_for(trial, e.path(), choice);
  for (std::size_t i = 0; i < trial.overrides.size(); ++i) {
    if (e.where().override != trial.overrides[i]) continue;
    const SweepParameter& p = *trial.sources[i];
    // A path the experiment does not have is the key's fault; a bad value, the value's.
    const bool path_problem = e.path() != p.path || unknown;
    SourceLocation where = p.spec_at;
    if (path_problem)
      where = p.key_at;
    else if (trial.value_index[i] != SIZE_MAX)
      where = p.value_at[trial.value_index[i]];
    std::string hint;
    if (unknown && chooser && !is_choice_parameter(*chooser, p))  // swept for every plugin; not all take it
      hint = " (this trial chooses " + trial.overrides[choice] +
             "); sweep it only with the plugins that take it: " + chooser->path + ": {NAME: {" +
             p.path.substr(p.path.find('.') + 1) + ": [...]}, ...}";
    return ConfigError(where, e.path(), message + (path_problem ? hint : " (sweep value " + trial.values[i] + ")"));
  }
  // A setting of the file that the plugin a trial chooses does not take.
  if (unknown && chooser && e.where().override.empty())
    return ConfigError(e.where(), e.path(),
                       message + "; the sweep chooses " + trial.overrides[choice] + " at " +
                           chooser->value_at[trial.value_index[choice]].describe() +
                           ": move this setting into the sweep, under the plugins that take it");
  return e;
}

}  // namespace

void resolve_trials(std::vector<SweepTrial>& trials, const std::string& file,
                    const std::vector<std::string>& base_overrides, const PluginRegistry& registry) {
  ExperimentVariants variants(file, base_overrides, registry);
  std::vector<SweepTrial> distinct;
  distinct.reserve(trials.size());
  std::set<std::string> seen;
  // A large sweep takes a while to validate: say how far it has got.
  const bool show_progress = trials.size() >= kProgressTrials;
  std::size_t checked = 0;
  for (SweepTrial& trial : trials) {
    if (show_progress && ++checked % kProgressTrials == 0)
      std::cerr << fmt::format("\rvalidating the trials: {}/{}", checked, trials.size()) << std::flush;
    std::vector<std::string> overrides = trial.overrides;
    overrides.push_back("seed=" + std::to_string(trial.seed));
    try {
      trial.id = sha256_of_text(variants.configuration(overrides)).substr(0, 12);
    } catch (const ConfigError& e) {
      throw in_sweep_terms(e, trial);
    }
    if (seen.insert(trial.id).second) distinct.push_back(std::move(trial));
  }
  if (show_progress) std::cerr << fmt::format("\rvalidated {} trials{:20}\n", trials.size(), "");
  trials = std::move(distinct);
}

}  // namespace seqlab
