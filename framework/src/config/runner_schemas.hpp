// The runner's own settings, declared as data like a plugin's parameters: the top level and `training:`.
#pragma once

#include <map>
#include <string>

#include "seqlab/params.hpp"

namespace seqlab {

// name and seed: the keys of the experiment's top level that are not sections.
const ParamSchema& experiment_schema();

// The `training:` section: epochs, batching, logging, threads.
const ParamSchema& training_schema();

// The ranges of training_schema() that depend on the machine (threads: the cores this process may use), in
// words, for the generated reference: the page must be the same on every machine.
const std::map<std::string, std::string>& training_range_notes();

// `training.early_stopping:`, an optional map inside the training section.
const ParamSchema& early_stopping_schema();

// The runner's own keys in the optional `scheduler:` section, beside `plugin` and the plugin's parameters.
const ParamSchema& scheduler_runner_schema();

}  // namespace seqlab
