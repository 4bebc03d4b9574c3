// What a decoded checkpoint must be for the experiment at hand: its identity, its indices, its plugins' state.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/experiment.hpp"
#include "seqlab/parameter.hpp"
#include "training/training_state.hpp"

namespace seqlab {

// A checkpoint's bytes are whole when their digest matches, but anyone can recompute a digest: every check
// below throws CheckpointError saying what does not fit, before the trainer uses any of it.

// The settings that identify `experiment` (TrainingState::experiment): every resolved setting but
// training.epochs, which `resume --epochs` changes, and the seed, sorted by path. The model's input_size
// and output_size as the data gave them (`shape`), as config.yaml records them.
std::vector<std::pair<std::string, std::string>> experiment_identity(const ResolvedExperiment& experiment,
                                                                     const ModelShape& shape);

// Refuses a checkpoint whose identity differs from `here`, naming the differing settings (at most
// kMaxListed, then how many more) with both values.
void check_same_experiment(const std::vector<std::pair<std::string, std::string>>& checkpoint,
                           const std::vector<std::pair<std::string, std::string>>& here);

// Refuses `weights` (what: "weights", "best.weights") unless one array per parameter, of its size, all finite.
void check_weights_fit(const std::vector<std::vector<float>>& weights, const std::vector<Parameter>& parameters,
                       const std::string& what);

// Refuses an order that is not a permutation of 0 .. rows-1: its entries index the training set.
void check_order(const std::vector<std::uint64_t>& order, std::size_t rows);

// Refuses a plugin state (what: "optimizer", "scheduler") whose entries are not those, by name and size, of
// `fresh`, the state a plugin of this experiment has (an optimizer's after one step, a scheduler's after
// start). An empty saved state passes when `empty_ok` (an optimizer before its first step).
void check_state_fits(const PluginState& saved, const PluginState& fresh, const std::string& what, bool empty_ok);

}  // namespace seqlab
