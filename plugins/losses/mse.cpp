// Loss plugin `mse`: mean squared error over every element, as torch.nn.MSELoss().
#include "elementwise_loss.hpp"

namespace {

// f(d) = d^2, f'(d) = 2d
struct SquaredError {
  double value(double d) const { return d * d; }
  float slope(float d) const { return 2.0f * d; }
};

class MseLoss : public seqlab::losses::ElementwiseLoss<SquaredError> {
 public:
  static seqlab::PluginMeta meta() {
    return {"mse", "Mean squared error averaged over all elements (torch.nn.MSELoss)", {}};
  }
  explicit MseLoss(const seqlab::PluginArgs&) {}
};

}  // namespace

SEQLAB_PLUGIN(MseLoss)
