// A plugin's resumable state: what a checkpoint saves besides the model's parameters.
//
// An optimizer's moments and step count, a scheduler's counters: whatever its next call depends on.
// Entries are named arrays of doubles; a float converts to a double and back exactly, and so does any
// integer below 2^53, so a state saved and loaded gives bit-identical steps after it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace seqlab {

struct StateEntry {
  std::string name;
  std::vector<double> values;
};
using PluginState = std::vector<StateEntry>;

// The entry `name` of `state`, which must hold `size` values (any size when `size` is -1).
// Throws std::runtime_error naming what is missing or how the size differs: a checkpoint
// from another configuration.
inline const std::vector<double>& state_entry(const PluginState& state, const std::string& name, long size = -1) {
  for (const StateEntry& e : state) {
    if (e.name != name) continue;
    if (size >= 0 && e.values.size() != static_cast<std::size_t>(size))
      throw std::runtime_error("saved state '" + name + "' has " + std::to_string(e.values.size()) + " values where " +
                               std::to_string(size) + " were expected");
    return e.values;
  }
  throw std::runtime_error("saved state has no entry '" + name + "'");
}

}  // namespace seqlab
