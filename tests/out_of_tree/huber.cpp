// Loss plugin `huber`: the Huber loss averaged over every element, as torch.nn.HuberLoss(delta=...).
#include <algorithm>
#include <cmath>
#include <seqlab/plugin.hpp>

namespace {

// d = p - t;  l(d) = d^2 / 2 if |d| <= delta, else delta * (|d| - delta / 2);  L = mean l(d)
// dL/dp = clamp(d, -delta, delta) / n
class HuberLoss : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() {
    return {"huber",
            "Huber loss: quadratic near zero, linear beyond delta (torch.nn.HuberLoss)",
            {seqlab::real("delta", 1.0, "where the loss turns from quadratic to linear").above(0)}};
  }
  explicit HuberLoss(const seqlab::PluginArgs& args) : delta_(args.params.real("delta")) {}

  double value(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets) const override {
    double sum = 0.0;
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      const double d = std::abs(static_cast<double>(predictions.data()[i]) - targets.data()[i]);
      sum += d <= delta_ ? 0.5 * d * d : delta_ * (d - 0.5 * delta_);
    }
    return sum / static_cast<double>(predictions.size());
  }

  void gradient(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets,
                seqlab::Tensor3& grad) const override {
    grad.resize(predictions.shape());
    const double n = static_cast<double>(predictions.size());
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      const double d = static_cast<double>(predictions.data()[i]) - targets.data()[i];
      grad.data()[i] = static_cast<float>(std::clamp(d, -delta_, delta_) / n);
    }
  }

 private:
  double delta_;
};

}  // namespace

SEQLAB_PLUGIN(HuberLoss)
