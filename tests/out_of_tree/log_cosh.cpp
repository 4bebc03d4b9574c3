// Loss plugin `log_cosh`: the log-cosh loss averaged over every element (smooth like MSE near zero, like MAE far out).
#include <cmath>
#include <seqlab/plugin.hpp>

namespace {

// d = p - t;  l(d) = a^2 log(cosh(d / a));  L = mean l(d)     (a: scale)
// dL/dp = a tanh(d / a) / n
class LogCoshLoss : public seqlab::Loss {
 public:
  static seqlab::PluginMeta meta() {
    return {"log_cosh",
            "log-cosh loss: quadratic near zero, linear beyond about `scale`",
            {seqlab::real("scale", 1.0, "where the loss turns from quadratic to linear").above(0)}};
  }
  explicit LogCoshLoss(const seqlab::PluginArgs& args) : scale_(args.params.real("scale")) {}

  double value(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets) const override {
    double sum = 0.0;
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      const double x = std::abs(static_cast<double>(predictions.data()[i]) - targets.data()[i]) / scale_;
      // log(cosh(x)) without overflow for large x
      sum += scale_ * scale_ * (x + std::log1p(std::exp(-2.0 * x)) - std::log(2.0));
    }
    return sum / static_cast<double>(predictions.size());
  }

  void gradient(const seqlab::Tensor3& predictions, const seqlab::Tensor3& targets,
                seqlab::Tensor3& grad) const override {
    grad.resize(predictions.shape());
    const double n = static_cast<double>(predictions.size());
    for (std::size_t i = 0; i < predictions.size(); ++i) {
      const double d = static_cast<double>(predictions.data()[i]) - targets.data()[i];
      grad.data()[i] = static_cast<float>(scale_ * std::tanh(d / scale_) / n);
    }
  }

 private:
  double scale_;
};

}  // namespace

SEQLAB_PLUGIN(LogCoshLoss)
