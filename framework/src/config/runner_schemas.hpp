// The runner's own settings, declared as data like a plugin's parameters: the top level and `training:`.
#pragma once

#include "seqlab/params.hpp"

namespace seqlab {

// name and seed: the keys of the experiment's top level that are not sections.
const ParamSchema& experiment_schema();

// The `training:` section: epochs, batching, logging, threads.
const ParamSchema& training_schema();

// `training.early_stopping:`, an optional map inside the training section.
const ParamSchema& early_stopping_schema();

}  // namespace seqlab
