// The optimizer plugin interface: updates parameters from their gradients.
#pragma once

#include <vector>

#include "seqlab/parameter.hpp"

namespace seqlab {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // One update of every parameter from its grad. The list and its order are the
  // same on every call; per-parameter state is keyed by index, never by address.
  virtual void step(std::vector<Parameter>& parameters) = 0;
  // The learning rate the next step will use (recorded in metrics.csv).
  virtual double learning_rate() const = 0;
};

}  // namespace seqlab
