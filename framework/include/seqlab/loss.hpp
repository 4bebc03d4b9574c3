// The loss plugin interface: a scalar loss of predictions against targets and its gradient.
#pragma once

#include "seqlab/tensor.hpp"

namespace seqlab {

// A loss is a MEAN over the batch's sequences (and, as torch's losses with reduction='mean', usually
// over every element): the runner weights a mini-batch's loss by its size for the epoch's mean, and
// data-parallel training sums the processes' gradients weighted by their shares of the batch, which is
// right only for a mean. A sum would make the gradient scale with the batch size.
class Loss {
 public:
  virtual ~Loss() = default;
  // predictions and targets: same shape (batch, steps, features).
  virtual double value(const Tensor3& predictions, const Tensor3& targets) const = 0;
  // Writes dLoss/dPredictions into `grad` (resized if needed).
  virtual void gradient(const Tensor3& predictions, const Tensor3& targets, Tensor3& grad) const = 0;
};

}  // namespace seqlab
