// The experiment's `sweep:` section: parsed, validated, and expanded into trials.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config_error.hpp"
#include "config/experiment_source.hpp"
#include "host/plugin_loader.hpp"
#include "sweep/halving.hpp"

namespace seqlab {

// One swept setting, e.g. `model.hidden_size: [16, 32]` or `optimizer.lr: {loguniform: [1e-4, 1e-1]}`.
struct SweepParameter {
  enum class Kind { list, loguniform };
  std::string path;                      // "model.hidden_size"
  Kind kind = Kind::list;                // a range is expanded into a list
  std::vector<std::string> values;       // YAML text of each value (list)
  std::vector<SourceLocation> value_at;  // where each value is written
  double low = 0, high = 0;              // loguniform bounds
  SourceLocation key_at;                 // the parameter's key
  SourceLocation spec_at;                // its value (the list or the mapping)
};

struct SweepSpec {
  std::string method = "grid";  // grid | random
  int trials = 0;               // random only
  int repeats = 1;              // seeds per configuration
  std::string metric = "val_loss";
  double trial_timeout = 0;  // seconds; 0 = none
  std::vector<SweepParameter> parameters;
  std::optional<HalvingSpec> halving;  // sweep.scheduler: successive halving over the trials
};

// One run of the sweep: the swept settings and the seed.
struct SweepTrial {
  std::string id;                      // 12 hex digits of the sha256 of the resolved configuration (resolve_trials)
  std::vector<std::string> overrides;  // "path=value", one per swept parameter, in the sweep's order
  std::vector<std::string> values;     // the values alone, same order
  std::uint64_t seed = 0;
  std::string configuration;                   // the overrides without the seed: repeats share it
  std::vector<const SweepParameter*> sources;  // the parameter behind each override
  std::vector<std::size_t> value_index;        // its value's index (list kind), else SIZE_MAX
};

// Reads `sweep:`; throws ConfigError at the offending entry. A file without one
// is a ConfigError too (there is nothing to sweep).
SweepSpec parse_sweep(const ExperimentSource& source);

// Every trial: grid = the product of the lists x repeats, random = `trials`
// draws from the seed's "sweep" stream x repeats. Seeds are seed, seed+1, ...
// Ids are left to resolve_trials.
std::vector<SweepTrial> expand_trials(const SweepSpec& spec, std::uint64_t seed);

// Resolves each trial against the plugins exactly as `seqlab run` would, before
// anything runs (an error caused by a swept value is reported at that value in
// the sweep section), and names it: its id hashes the resolved configuration,
// so an edit to the experiment file, an override on the command line or a new
// plugin default that changes what a trial trains also changes its id, and a
// resumed sweep never takes a stale result for it. A trial that resolves to the
// same configuration as an earlier one (a random draw repeated, a value equal to
// the default) is dropped.
void resolve_trials(std::vector<SweepTrial>& trials, const std::string& file,
                    const std::vector<std::string>& base_overrides, const PluginRegistry& registry);

}  // namespace seqlab
