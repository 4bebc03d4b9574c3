// The loss plugin interface: a scalar loss of predictions against targets and its gradient.
#pragma once

#include <cstddef>
#include <stdexcept>

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

  // Optional. True when the gradient at each element depends on that element's prediction and target
  // and on how many elements the batch has, nothing else (a mean of one function of each error is).
  // Such a loss lets a model train a batch in one pass, a few sequences at a time, while their
  // activations are still in cache (Model::train_step): each group's gradient comes from
  // gradient_elements below.
  virtual bool separable() const { return false; }
  // For a separable loss: dLoss/dPredictions at `count` consecutive elements of a batch of `total`
  // elements (predictions, targets and grad point at the first of them): the very values gradient()
  // writes there for the whole batch. Called from several threads at once, on different elements.
  virtual void gradient_elements(const float* predictions, const float* targets, std::size_t count, std::size_t total,
                                 float* grad) const {
    (void)predictions, (void)targets, (void)count, (void)total, (void)grad;
    throw std::logic_error("gradient_elements called on a loss that is not separable");
  }
};

}  // namespace seqlab
