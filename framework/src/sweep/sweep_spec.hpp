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
// A `<section>.plugin` key may instead give each plugin its own parameters (conditional parameters),
// `optimizer.plugin: {adam: {lr: [...]}, sgd: {lr: [...], momentum: [...]}}`: its `values` are then the
// plugin names and `per_choice[k]` the parameters swept with `values[k]`, their paths made whole
// (`optimizer.lr`).
struct SweepParameter {
  enum class Kind { list, loguniform };
  std::string path;                                     // "model.hidden_size"
  Kind kind = Kind::list;                               // a range is expanded into a list
  std::vector<std::string> values;                      // YAML text of each value (list)
  std::vector<SourceLocation> value_at;                 // where each value is written
  double low = 0, high = 0;                             // loguniform bounds
  SourceLocation key_at;                                // the parameter's key
  SourceLocation spec_at;                               // its value (the list or the mapping)
  std::vector<std::vector<SweepParameter>> per_choice;  // conditional only: one set per value, maybe empty

  bool conditional() const { return !per_choice.empty(); }
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

// One run of the sweep: the swept settings and the seed. A conditional parameter contributes its
// choice and then the settings of that choice, so trials may set different paths.
struct SweepTrial {
  std::string id;                      // 12 hex digits of the sha256 of the resolved configuration (resolve_trials)
  std::vector<std::string> overrides;  // "path=value", one per setting, in the sweep's order
  std::vector<std::string> values;     // the values alone, same order
  std::uint64_t seed = 0;
  std::string configuration;                   // the overrides without the seed: repeats share it
  std::vector<const SweepParameter*> sources;  // the parameter behind each override
  std::vector<std::size_t> value_index;        // its value's index (list kind), else SIZE_MAX

  // The value this trial gives `path`, or "" when it does not set it (another choice's parameter).
  std::string value_of(const std::string& path) const;
};

// A swept path as the summary shows it: one column per path, though several choices may sweep it.
struct SweepColumn {
  std::string path;
  bool loguniform = false;  // some parameter behind it is drawn log-uniformly: plot it on a log axis
};

// The keys of `sweep:` besides `parameters` and `scheduler` (docs/reference/runner.md is made from it).
const ParamSchema& sweep_schema();

// Reads `sweep:`; throws ConfigError at the offending entry. A file without one
// is a ConfigError too (there is nothing to sweep).
SweepSpec parse_sweep(const ExperimentSource& source);

// Every path the sweep may set, in the order of the section (a choice's parameters after its
// `.plugin` key), each once.
std::vector<SweepColumn> sweep_columns(const SweepSpec& spec);

}  // namespace seqlab
