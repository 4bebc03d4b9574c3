// Conformance for optimizers: steady descent on a quadratic of parameters of several shapes.
#include "conformance/kind_checks.hpp"

#include <cmath>
#include <fmt/format.h>

#include "conformance/check_kit.hpp"

namespace seqlab::conformance {

std::vector<CheckResult> optimizer_checks(const LoadedPlugin& plugin, const ParamValues& params,
                                          const std::string& with) {
  std::vector<CheckResult> out;
  Random random(13);
  Handle<Optimizer> optimizer;
  out.push_back(guarded("construction", [&] {
    optimizer = create_optimizer(plugin, {params, random, {}});
    return pass("construction", with);
  }));
  if (!optimizer) return out;
  const std::string name = "descent on a quadratic";
  out.push_back(guarded(name, [&] {
    // f(w) = 0.5 * sum_k c_k (w_k - m_k)^2 over three parameters of different
    // shapes; curvatures c in [0.5, 2], minimum m, start 0.1 to 0.5 away from it.
    std::vector<Parameter> parameters = {{"a.weight", {4, 3}}, {"b.bias", {5}}, {"c.kernel", {2, 1, 3}}};
    std::vector<Tensor1> curvature, minimum;
    for (auto& p : parameters) {
      curvature.push_back(Tensor1::from_shape({p.size()}));
      minimum.push_back(Tensor1::from_shape({p.size()}));
      for (std::size_t k = 0; k < p.size(); ++k) {
        curvature.back()[k] = static_cast<float>(random.uniform(0.5, 2.0));
        minimum.back()[k] = static_cast<float>(random.uniform(-1.0, 1.0));
        const double away = random.uniform(0.1, 0.5) * (random.uniform() < 0.5 ? -1 : 1);
        p.value[k] = static_cast<float>(minimum.back()[k] + away);
      }
    }
    auto evaluate = [&] {  // f, and the gradient into every grad
      double f = 0;
      for (std::size_t i = 0; i < parameters.size(); ++i)
        for (std::size_t k = 0; k < parameters[i].size(); ++k) {
          const double d = static_cast<double>(parameters[i].value[k]) - minimum[i][k];
          f += 0.5 * curvature[i][k] * d * d;
          parameters[i].grad[k] = static_cast<float>(curvature[i][k] * d);
        }
      return f;
    };
    const double start = evaluate();
    double f = start;
    for (int s = 1; s <= kOptimizerSteps; ++s) {
      optimizer->step(parameters);
      f = evaluate();
      if (!std::isfinite(f))
        for (const auto& p : parameters)
          for (std::size_t k = 0; k < p.size(); ++k)
            if (!std::isfinite(p.value[k]))
              return fail(name, fmt::format("{}[{}] became {} at step {}", p.name, k, num(p.value[k]), s));
    }
    const double lr = optimizer->learning_rate();
    const std::string detail = fmt::format(
        "f = 0.5 sum c (w - m)^2 over 3 parameters (4x3, 5, 2x1x3) went from {} to {} in {} steps (needs at most "
        "{}% of the start); learning_rate() {}",
        num(start), num(f), kOptimizerSteps, num(100 * kOptimizerReduction), num(lr));
    if (!std::isfinite(lr)) return fail(name, detail + ", which is not finite");
    return f <= kOptimizerReduction * start ? pass(name, detail) : fail(name, detail);
  }));
  return out;
}

}  // namespace seqlab::conformance
