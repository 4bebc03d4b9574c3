// `model.init_from`: a model that starts from saved weights (a seqlab run's, or PyTorch's converted).
#pragma once

#include "config/experiment.hpp"
#include "training/components.hpp"

namespace seqlab {

// Loads model.init_from, when set, into the model's parameters: RUN_DIR/weights/<name>.npy when it names
// a run folder, else <dir>/<name>.npy. Every missing file and wrong shape is listed in one ConfigError at
// model.init_from; nothing is loaded then.
void load_initial_weights(const ResolvedExperiment& experiment, Components& components);

}  // namespace seqlab
