// Loss plugin `two_pass_mse`: mean squared error that does not say it is separable (no separable(), no
// gradient_elements()), as a loss written without them is; `seqlab check` must pass it with a warning.
#include <seqlab/plugin.hpp>

namespace {

class TwoPassMse : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() { return {"two_pass_mse", "MSE without separable(), for seqlab check", {}}; }
  explicit TwoPassMse(const seqlab::PluginArgs&) {}

  double value(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets) const override {
    double sum = 0.0;
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      const double d = static_cast<double>(predictions.data()[i]) - targets.data()[i];
      sum += d * d;
    }
    return sum / static_cast<double>(predictions.size());
  }

  void gradient(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets,
                seqlab::Tensor3& grad) const override {
    grad.resize(predictions.shape());
    const double n = static_cast<double>(predictions.size());
    for (std::size_t i = 0; i < predictions.size(); ++i)
      grad.data()[i] = static_cast<float>(2.0 * (static_cast<double>(predictions.data()[i]) - targets.data()[i]) / n);
  }
};

}  // namespace

SEQLAB_PLUGIN(TwoPassMse)
