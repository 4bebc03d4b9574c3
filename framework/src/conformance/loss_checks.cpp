// Conformance for losses: a finite value and a gradient that matches central differences; for a loss
// that says it is separable, gradient_elements gives gradient()'s values on any run of elements; one that does not
// is warned about, with what it costs.
// Tested in tests/conformance/test_conformance.cpp, tests/conformance/test_check.cpp
#include "conformance/kind_checks.hpp"

#include <cmath>
#include <fmt/format.h>
#include <iterator>
#include <vector>

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
  if (!loss->separable()) {
    // Not wrong, but slow, and silent in a run: say what it costs where the author looks.
    out.push_back(warn("separable",
                       "separable() is false: models train each batch in two passes (forward, this loss, backward) "
                       "instead of one, 14-49% slower per epoch for the shipped rnn, gru and lstm, holding the whole "
                       "batch's activations. If the loss is a mean of one function of each element's error, return "
                       "true from separable() and implement gradient_elements() (docs/plugins/loss.md)"));
    return out;
  }
  out.push_back(guarded("separable", [&] {
    // Models call gradient_elements a group of sequences at a time (Model::train_step); each piece must
    // hold the whole batch's gradient there, bit for bit. Pieces of 1, 2 and the rest of 24 elements.
    Tensor3 whole;
    loss->gradient(predictions, targets, whole);
    std::vector<float> pieces(predictions.size());
    const std::size_t cuts[] = {0, 1, 3, predictions.size()};
    for (std::size_t i = 0; i + 1 < std::size(cuts); ++i)
      loss->gradient_elements(predictions.data() + cuts[i], targets.data() + cuts[i], cuts[i + 1] - cuts[i],
                              predictions.size(), pieces.data() + cuts[i]);
    for (std::size_t k = 0; k < pieces.size(); ++k)
      if (pieces[k] != whole.data()[k])
        return fail("separable", fmt::format("gradient_elements gave {} at element {}, gradient() {}: they must be "
                                             "the same values (or separable() must return false)",
                                             num(pieces[k]), k, num(whole.data()[k])));
    return pass("separable", "gradient_elements on pieces of the batch equals gradient(), bit for bit");
  }));
  return out;
}

}  // namespace seqlab::conformance
