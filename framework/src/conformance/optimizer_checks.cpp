// Conformance for optimizers: steady descent on a quadratic of parameters of several shapes.
// Tested in tests/conformance/test_conformance.cpp
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
  out.push_back(guarded("learning rate", [&] {
    const double configured = optimizer->learning_rate();
    optimizer->set_learning_rate(configured * 0.5);
    const double after = optimizer->learning_rate();
    optimizer->set_learning_rate(configured);
    const std::string detail =
        fmt::format("set_learning_rate({}) then learning_rate() gave {}", num(configured * 0.5), num(after));
    return after == configured * 0.5 ? pass("learning rate", detail) : fail("learning rate", detail);
  }));
  out.push_back(guarded("state round trip", [&] {
    // Two optimizers: one steps 6 times; the other is made afresh after 3 of them, from the first's
    // state(), and both must then step to bit-identical parameters (what `seqlab resume` relies on).
    const std::string check = "state round trip";
    Random data(29);
    std::vector<Parameter> a = {{"w", {3, 4}}, {"b", {4}}};
    for (auto& p : a)
      for (auto& v : p.value) v = static_cast<float>(data.uniform(-1, 1));
    std::vector<std::vector<std::vector<float>>> grads(6);
    for (auto& step : grads)
      for (const auto& p : a) {
        step.emplace_back(p.size());
        for (float& g : step.back()) g = static_cast<float>(data.uniform(-1, 1));
      }
    auto set_grads = [&](std::vector<Parameter>& ps, std::size_t step) {
      for (std::size_t i = 0; i < ps.size(); ++i)
        std::copy(grads[step][i].begin(), grads[step][i].end(), ps[i].grad.begin());
    };
    Random r1(5), r2(5);
    auto first = create_optimizer(plugin, {params, r1, {}});
    for (std::size_t s = 0; s < 3; ++s) {
      set_grads(a, s);
      first->step(a);
    }
    std::vector<Parameter> b = a;
    auto second = create_optimizer(plugin, {params, r2, {}});
    second->load_state(first->state());
    for (std::size_t s = 3; s < 6; ++s) {
      set_grads(a, s);
      first->step(a);
      set_grads(b, s);
      second->step(b);
    }
    for (std::size_t i = 0; i < a.size(); ++i)
      for (std::size_t k = 0; k < a[i].size(); ++k)
        if (a[i].value[k] != b[i].value[k])
          return fail(check, fmt::format("after load_state(state()) and 3 more steps {}[{}] is {}, uninterrupted {}",
                                         a[i].name, k, num(b[i].value[k]), num(a[i].value[k])));
    return pass(check, "3 steps, state() into a new optimizer, 3 more: bit-identical to 6 uninterrupted steps");
  }));
  return out;
}

}  // namespace seqlab::conformance
