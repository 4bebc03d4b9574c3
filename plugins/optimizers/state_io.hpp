// Saving and loading the per-parameter buffers optimizers keep, for Optimizer::state() / load_state().
#pragma once

#include <seqlab/parameter.hpp>
#include <seqlab/state.hpp>
#include <stdexcept>
#include <seqlab/tensor.hpp>
#include <string>
#include <vector>

namespace seqlab::optimizers {

// Appends buffers[i] as the entry "<name>.<i>" for every parameter i.
inline void save_buffers(const std::string& name, const std::vector<Tensor1>& buffers, PluginState& state) {
  for (std::size_t i = 0; i < buffers.size(); ++i)
    state.push_back({name + "." + std::to_string(i), std::vector<double>(buffers[i].begin(), buffers[i].end())});
}

// The buffers save_buffers() wrote under `name` (none when it wrote none). step() checks them
// against the parameters with check_buffers() before using them.
inline std::vector<Tensor1> load_buffers(const std::string& name, const PluginState& state) {
  std::vector<Tensor1> buffers;
  for (std::size_t i = 0;; ++i) {
    const std::string key = name + "." + std::to_string(i);
    const StateEntry* entry = nullptr;
    for (const StateEntry& e : state)
      if (e.name == key) entry = &e;
    if (!entry) return buffers;
    buffers.push_back(Tensor1::from_shape({entry->values.size()}));
    for (std::size_t k = 0; k < entry->values.size(); ++k) buffers.back()[k] = static_cast<float>(entry->values[k]);
  }
}

// Throws unless there is one buffer per parameter, of its size: loaded state from another model.
inline void check_buffers(const std::string& name, const std::vector<Tensor1>& buffers,
                          const std::vector<Parameter>& parameters) {
  bool fits = buffers.size() == parameters.size();
  for (std::size_t i = 0; fits && i < buffers.size(); ++i) fits = buffers[i].size() == parameters[i].size();
  if (!fits)
    throw std::runtime_error("the optimizer's saved '" + name + "' buffers do not fit this model's " +
                             std::to_string(parameters.size()) + " parameters");
}

}  // namespace seqlab::optimizers
