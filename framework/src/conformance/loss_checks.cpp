// Conformance for losses: a finite value and a gradient that matches central differences.
#include "conformance/kind_checks.hpp"

#include <cmath>
#include <fmt/format.h>

#include "conformance/check_kit.hpp"

namespace seqlab::conformance {

std::vector<CheckResult> loss_checks(const LoadedPlugin& plugin, const ParamValues& params, const std::string& with) {
  std::vector<CheckResult> out;
  Random random(11);
  Handle<Loss> loss;
  out.push_back(guarded("construction", [&] {
    loss = create_loss(plugin, {params, random, {}});
    return pass("construction", with);
  }));
  if (!loss) return out;
  Tensor3 predictions = random_tensor(random, 3, 4, 2);
  const Tensor3 targets = random_tensor(random, 3, 4, 2);
  out.push_back(guarded("gradient", [&] {
    const double value = loss->value(predictions, targets);
    if (!std::isfinite(value)) return fail("gradient", "the loss of random (3, 4, 2) predictions is " + num(value));
    Tensor3 grad;
    loss->gradient(predictions, targets, grad);
    if (grad.shape() != predictions.shape())
      return fail("gradient", fmt::format("the gradient has shape ({}), the predictions ({})",
                                          fmt::join(grad.shape(), ", "), fmt::join(predictions.shape(), ", ")));
    const double step = 1e-3;
    Worst worst;
    for (std::size_t n = 0; n < predictions.shape()[0]; ++n)
      for (std::size_t t = 0; t < predictions.shape()[1]; ++t)
        for (std::size_t f = 0; f < predictions.shape()[2]; ++f) {
          const float saved = predictions(n, t, f);
          predictions(n, t, f) = static_cast<float>(saved + step);
          const double up = loss->value(predictions, targets);
          predictions(n, t, f) = static_cast<float>(saved - step);
          const double down = loss->value(predictions, targets);
          predictions(n, t, f) = saved;
          worst.offer((up - down) / (2 * step), grad(n, t, f), fmt::format("predictions[{}, {}, {}]", n, t, f));
        }
    return worst.result("gradient", "with respect to the predictions, central differences with step " + num(step));
  }));
  return out;
}

}  // namespace seqlab::conformance
