// Loss plugin `mae`: mean absolute error (L1) over every element, as torch.nn.L1Loss().
#include <cmath>

#include "elementwise_loss.hpp"

namespace {

// f(d) = |d|, f'(d) = sign(d), 0 at d = 0 as torch's
struct AbsoluteError {
  double value(double d) const { return std::abs(d); }
  float slope(float d) const { return d > 0.0f ? 1.0f : d < 0.0f ? -1.0f : 0.0f; }
};

class MaeLoss : public seqlab::losses::ElementwiseLoss<AbsoluteError> {
 public:
  static seqlab::PluginMeta meta() {
    return {"mae", "Mean absolute error (L1) averaged over all elements (torch.nn.L1Loss)", {}};
  }
  explicit MaeLoss(const seqlab::PluginArgs&) {}
};

}  // namespace

SEQLAB_PLUGIN(MaeLoss)
