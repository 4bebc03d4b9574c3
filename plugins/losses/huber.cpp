// Loss plugin `huber`: Huber loss over every element, as torch.nn.HuberLoss(delta).
#include <cmath>

#include "elementwise_loss.hpp"

namespace {

// f(d) = d^2 / 2 where |d| <= delta, else delta (|d| - delta / 2): quadratic near zero, linear beyond.
// f'(d) = d clamped to [-delta, delta].
struct HuberError {
  double delta;
  double value(double d) const {
    const double a = std::abs(d);
    return a <= delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
  }
  float slope(float d) const {
    const float limit = static_cast<float>(delta);
    return d < -limit ? -limit : d > limit ? limit : d;
  }
};

class HuberLoss : public seqlab::losses::ElementwiseLoss<HuberError> {
 public:
  static seqlab::PluginMeta meta() {
    return {"huber",
            "Huber loss averaged over all elements (torch.nn.HuberLoss): squared below delta, linear above",
            {seqlab::real("delta", 1.0, "where the loss turns from quadratic to linear").above(0)}};
  }
  explicit HuberLoss(const seqlab::PluginArgs& args) : ElementwiseLoss(HuberError{args.params.real("delta")}) {}
};

}  // namespace

SEQLAB_PLUGIN(HuberLoss)
