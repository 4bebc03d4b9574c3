// What `mse`, `mae` and `huber` share: a loss that is the mean of one function of each prediction's error.
//
//   L = (1/n) * sum_i f(p_i - t_i)       dL/dp_i = f'(p_i - t_i) / n
// over all n elements of the batch, as torch's losses with reduction='mean'. Every sequence of a batch
// has the same number of elements, so this is also the mean over the batch's sequences that
// seqlab/loss.hpp asks for.
#pragma once

#include <seqlab/plugin.hpp>

namespace seqlab::losses {

// Error: a class with `static double value(double error)` (f) and `float slope(float error)` (f'),
// the latter may use the loss's settings.
template <class Error>
class ElementwiseLoss : public Loss {
 public:
  explicit ElementwiseLoss(Error error = {}) : error_(error) {}

  double value(const Tensor3& predictions, const Tensor3& targets) const override {
    // Accumulate in double: a float sum over 50,000 elements loses the digits that the
    // PyTorch comparison checks.
    double sum = 0.0;
    const float* p = predictions.data();
    const float* t = targets.data();
    for (std::size_t i = 0, n = predictions.size(); i < n; ++i)
      sum += error_.value(static_cast<double>(p[i]) - static_cast<double>(t[i]));
    return sum / static_cast<double>(predictions.size());
  }

  void gradient(const Tensor3& predictions, const Tensor3& targets, Tensor3& grad) const override {
    grad.resize(predictions.shape());
    gradient_elements(predictions.data(), targets.data(), predictions.size(), predictions.size(), grad.data());
  }

  bool separable() const override { return true; }
  void gradient_elements(const float* p, const float* t, std::size_t count, std::size_t total,
                         float* g) const override {
    const float scale = 1.0f / static_cast<float>(total);
    for (std::size_t i = 0; i < count; ++i) g[i] = scale * error_.slope(p[i] - t[i]);
  }

 private:
  Error error_;
};

}  // namespace seqlab::losses
