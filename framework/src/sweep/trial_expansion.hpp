// Expanding a parsed sweep into its trials: every combination of a grid, or a random search's draws.
#pragma once

#include <cstdint>
#include <vector>

#include "sweep/sweep_spec.hpp"

namespace seqlab {

// Every trial: grid = the product of the lists x repeats, random = `trials` draws from the seed's
// "sweep" stream x repeats. Seeds are seed, seed+1, ... A conditional parameter contributes, in a
// grid, the union over its plugins of each one's product; in a random draw, a plugin and then a draw
// of each of its parameters. Ids are left to resolve_trials.
std::vector<SweepTrial> expand_trials(const SweepSpec& spec, std::uint64_t seed);

}  // namespace seqlab
