// The mean squared error in its plainest form, for test plugins that are an MSE with a twist: no separable()
// (two_pass_mse), a stop signal at a chosen call (stop_mse). Test plugins include it by relative path.
#pragma once

#include <seqlab/plugin.hpp>

namespace seqlab::test {

class PlainMse : public Loss {
 public:
  double value(const Tensor3& predictions, const Tensor3& targets) const override {
    double sum = 0.0;
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      const double d = static_cast<double>(predictions.data()[i]) - targets.data()[i];
      sum += d * d;
    }
    return sum / static_cast<double>(predictions.size());
  }

  void gradient(const Tensor3& predictions, const Tensor3& targets, Tensor3& grad) const override {
    grad.resize(predictions.shape());
    const double n = static_cast<double>(predictions.size());
    for (std::size_t i = 0; i < predictions.size(); ++i)
      grad.data()[i] = static_cast<float>(2.0 * (static_cast<double>(predictions.data()[i]) - targets.data()[i]) / n);
  }
};

}  // namespace seqlab::test
