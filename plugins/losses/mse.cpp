// Loss plugin `mse`: mean squared error over every element, as torch.nn.MSELoss().
#include <seqlab/plugin.hpp>

namespace {

// L = (1/n) * sum (p - t)^2 ;  dL/dp = (2/n) * (p - t)
class MseLoss : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() {
    return {"mse", "Mean squared error averaged over all elements (torch.nn.MSELoss)", {}};
  }
  explicit MseLoss(const seqlab::PluginArgs&) {}

  double value(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets) const override {
    // Accumulate in double: a float sum over 50,000 elements loses the digits
    // that the PyTorch comparison checks.
    double sum = 0.0;
    const float* p = predictions.data();
    const float* t = targets.data();
    for (std::size_t i = 0, n = predictions.size(); i < n; ++i) {
      const double d = static_cast<double>(p[i]) - t[i];
      sum += d * d;
    }
    return sum / static_cast<double>(predictions.size());
  }

  void gradient(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets,
                seqlab::Tensor3& grad) const override {
    grad.resize(predictions.shape());
    const float scale = 2.0f / static_cast<float>(predictions.size());
    const float* p = predictions.data();
    const float* t = targets.data();
    float* g = grad.data();
    for (std::size_t i = 0, n = predictions.size(); i < n; ++i) g[i] = scale * (p[i] - t[i]);
  }
};

}  // namespace

SEQLAB_PLUGIN(MseLoss)
