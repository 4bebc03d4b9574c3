// The loss plugin interface: a scalar loss of predictions against targets and its gradient.
#pragma once

#include "seqlab/tensor.hpp"

namespace seqlab {

class Loss {
 public:
  virtual ~Loss() = default;
  // predictions and targets: same shape (batch, steps, features).
  virtual double value(const Tensor3& predictions, const Tensor3& targets) const = 0;
  // Writes dLoss/dPredictions into `grad` (resized if needed).
  virtual void gradient(const Tensor3& predictions, const Tensor3& targets, Tensor3& grad) const = 0;
};

}  // namespace seqlab
