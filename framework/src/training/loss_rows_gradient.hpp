// The loss's gradient a group of rows at a time: what the trainer hands Model::train_step.
#pragma once

#include <cstddef>
#include <seqlab/loss.hpp>
#include <seqlab/tensor.hpp>

namespace seqlab {

// Called as an OutputGradient: dLoss/d(outputs) at rows [first, first + count) of the model's batch,
// whose row 0 is row `row0` of `targets` (a data-parallel block's first row, or 0), for a separable
// loss over all of `targets` (Loss::gradient_elements).
class LossRowsGradient {
 public:
  LossRowsGradient(const Loss& loss, const Tensor3& targets, std::size_t row0 = 0)
      : loss_(loss), targets_(targets), row_values_(targets.shape()[1] * targets.shape()[2]), row0_(row0) {}

  void operator()(std::size_t first, std::size_t count, const float* outputs, float* grad) const {
    loss_.gradient_elements(outputs, targets_.data() + (row0_ + first) * row_values_, count * row_values_,
                            targets_.size(), grad);
  }

 private:
  const Loss& loss_;
  const Tensor3& targets_;
  std::size_t row_values_, row0_;
};

}  // namespace seqlab
