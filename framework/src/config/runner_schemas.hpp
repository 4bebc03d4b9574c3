// The runner's own settings, declared as data like a plugin's parameters: the top level and `training:`.
#pragma once

#include "seqlab/params.hpp"

namespace seqlab {

// name and seed: the keys of the experiment's top level that are not sections.
const ParamSchema& experiment_schema();

// The `training:` section: epochs, batching, logging, threads.
const ParamSchema& training_schema();

}  // namespace seqlab
