// The optimizer plugin interface: updates parameters from their gradients.
#pragma once

#include <optional>
#include <vector>

#include "seqlab/parameter.hpp"
#include "seqlab/state.hpp"

namespace seqlab {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // One update of every parameter from its grad. The list and its order are the
  // same on every call; per-parameter state is keyed by index, never by address.
  virtual void step(std::vector<Parameter>& parameters) = 0;
  // The learning rate the next step will use (recorded in metrics.csv).
  virtual double learning_rate() const = 0;
  // Sets the rate of the steps that follow (a scheduler's doing). The configured `lr` is
  // the rate before any call.
  virtual void set_learning_rate(double lr) = 0;
  // The momentum the next step will use, for schedulers that cycle it (onecycle): sgd's and rmsprop's
  // `momentum`, adam's and adamw's first beta (torch's OneCycleLR cycles 'betas'[0] where an optimizer
  // has betas, else 'momentum'). Empty for an optimizer without one, which is the default.
  virtual std::optional<double> momentum() const { return std::nullopt; }
  // Sets it for the steps that follow; called only when momentum() is not empty. The configured value is
  // the momentum before any call. State kept per value (a momentum buffer) must then exist from the first
  // step whose momentum is not 0, as torch's.
  virtual void set_momentum(double momentum) { (void)momentum; }
  // Everything step() depends on besides the parameters and the rate (moments, step count),
  // for checkpoints; load_state() of it on a new optimizer of the same settings, over the same
  // parameter list, must make the next steps bit-identical. Empty before the first step.
  virtual PluginState state() const = 0;
  virtual void load_state(const PluginState& state) = 0;
};

}  // namespace seqlab
