// Conformance for models: shapes, finite-difference gradients of inputs and parameters, repeatable backward,
// and a one-pass training step (where the model has one) that agrees with forward and backward.
// Tested in tests/conformance/test_conformance.cpp, tests/conformance/test_mutants.cpp
#include "conformance/kind_checks.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <set>
#include <vector>

#include "conformance/check_kit.hpp"

namespace seqlab::conformance {

namespace {

// L = sum(weights * outputs): a fixed random linear functional, whose gradient
// with respect to the outputs is `weights`.
double weighted_sum(const Tensor3& outputs, const Tensor3& weights) {
  double sum = 0;
  for (std::size_t i = 0; i < outputs.size(); ++i) sum += static_cast<double>(outputs.data()[i]) * weights.data()[i];
  return sum;
}

constexpr std::size_t kSteps = 5, kInputs = 3, kOutputs = 2;

}  // namespace

std::vector<CheckResult> model_checks(const LoadedPlugin& plugin, const ParamValues& params, const std::string& with,
                                      std::size_t kBatch) {
  std::vector<CheckResult> out;
  struct Mode {
    std::size_t target_steps;
    std::string label;
    std::unique_ptr<Random> random;  // a plugin may keep a reference to its Random: it outlives the model
    Handle<Model> model;
    std::string refused;
  };
  std::vector<Mode> modes;
  modes.push_back({1, "target_steps = 1", std::make_unique<Random>(7), nullptr, ""});
  modes.push_back({kSteps, "target_steps = steps", std::make_unique<Random>(7), nullptr, ""});

  // Construction: a model may refuse one target layout (ParamError), not both.
  std::vector<std::string> notes, problems;
  for (auto& mode : modes) {
    try {
      mode.model = create_model(plugin, {params, *mode.random, {kInputs, kOutputs, kSteps, mode.target_steps}});
      if (mode.model->output_steps(kSteps) != mode.target_steps) {
        mode.refused = "it predicts " + std::to_string(mode.model->output_steps(kSteps)) + " steps for " +
                       std::to_string(kSteps) + " input steps";
        mode.model.reset();
      }
    } catch (const ParamError& e) {
      mode.refused = std::string("refused with ParamError: ") + e.what();
    } catch (const std::exception& e) {
      problems.push_back(mode.label + ": threw " + e.what());
    }
    if (!mode.refused.empty()) notes.push_back(mode.label + " " + mode.refused);
  }
  const bool any = std::any_of(modes.begin(), modes.end(), [](const Mode& m) { return m.model != nullptr; });
  if (problems.empty() && !any) problems.push_back("no target layout works: " + join_problems(notes));
  const std::string shape =
      fmt::format("input_size {}, output_size {}, {} steps, batch {}", kInputs, kOutputs, kSteps, kBatch);
  out.push_back(
      verdict("construction", problems, with + ", " + shape + (notes.empty() ? "" : "; " + join_problems(notes))));
  if (!problems.empty()) return out;

  Model& first = *std::find_if(modes.begin(), modes.end(), [](const Mode& m) { return m.model != nullptr; })->model;
  out.push_back(guarded("parameters", [&] {
    std::vector<std::string> bad;
    std::set<std::string> names;
    std::size_t total = 0;
    for (const auto& p : first.parameters()) {
      std::size_t product = 1;
      for (std::size_t d : p.shape) product *= d;
      if (p.name.empty()) bad.push_back("a parameter has no name");
      if (!names.insert(p.name).second) bad.push_back("'" + p.name + "' is listed twice");
      if (p.value.size() != product || p.grad.size() != product)
        bad.push_back("'" + p.name + "': value and grad must have the shape's " + std::to_string(product) + " entries");
      total += p.size();
    }
    return verdict(
        "parameters", bad,
        std::to_string(first.parameters().size()) + " named parameters, " + std::to_string(total) + " numbers");
  }));

  for (auto& mode : modes) {
    const std::string gradient_name = "gradient, " + mode.label;
    const std::string repeat_name = "backward twice, " + mode.label;
    if (!mode.model) {
      out.push_back(skip(gradient_name, "not applicable: " + mode.refused));
      out.push_back(skip(repeat_name, "not applicable"));
      continue;
    }
    Model& model = *mode.model;
    Random random(8);
    const Tensor3 inputs = random_tensor(random, kBatch, kSteps, kInputs);
    const Tensor3 weights = random_tensor(random, kBatch, mode.target_steps, kOutputs);
    std::unique_ptr<ModelCache> cache;
    Tensor3 outputs;
    auto loss = [&] {
      model.forward(inputs, *cache, outputs);
      return weighted_sum(outputs, weights);
    };
    std::vector<Tensor1> analytic;
    const CheckResult shapes = guarded(gradient_name, [&] {
      cache = model.make_cache(kBatch, kSteps);
      loss();
      const std::array<std::size_t, 3> expected{kBatch, mode.target_steps, kOutputs};
      if (outputs.shape() != expected)
        return fail(gradient_name, fmt::format("forward gave outputs of shape ({}), expected ({})",
                                               fmt::join(outputs.shape(), ", "), fmt::join(expected, ", ")));
      model.backward(inputs, *cache, weights);
      for (const auto& p : model.parameters()) analytic.push_back(p.grad);
      return pass(gradient_name, "");
    });
    if (!shapes.passed) {
      out.push_back(shapes);
      out.push_back(skip(repeat_name, "not checked: the first backward did not complete"));
      continue;
    }
    out.push_back(guarded(gradient_name, [&] {
      Worst worst;
      std::size_t total = 0;
      std::vector<std::string> sampled;  // parameters too large to check whole
      for (std::size_t i = 0; i < model.parameters().size(); ++i) {
        auto& p = model.parameters()[i];
        total += p.size();
        // Every entry of a parameter up to kMaxCheckedEntries: a single wrong entry is caught. A larger
        // one gets that many, spread over it from a random offset, and the report says what share.
        const std::size_t stride =
            p.size() <= kMaxCheckedEntries ? 1 : (p.size() + kMaxCheckedEntries - 1) / kMaxCheckedEntries;
        const std::size_t first = stride == 1 ? 0 : static_cast<std::size_t>(random.below(stride));
        if (stride > 1)
          sampled.push_back(fmt::format("{}, {} of {}", p.name, (p.size() - first + stride - 1) / stride, p.size()));
        for (std::size_t k = first; k < p.size(); k += stride) {
          const float saved = p.value[k];
          p.value[k] = static_cast<float>(saved + kFiniteDifferenceStep);
          const double up = loss();
          p.value[k] = static_cast<float>(saved - kFiniteDifferenceStep);
          const double down = loss();
          p.value[k] = saved;
          worst.offer((up - down) / (2 * kFiniteDifferenceStep), analytic[i][k],
                      p.name + "[" + std::to_string(k) + "]");
        }
      }
      const std::string coverage =
          sampled.empty() ? fmt::format("checked: every entry of the {} parameters", model.parameters().size())
                          : fmt::format("checked of {} ({:.0f}%; every entry but these samples: {})", total,
                                        100.0 * static_cast<double>(worst.entries) / static_cast<double>(total),
                                        join_problems(sampled));
      return worst.result(gradient_name,
                          fmt::format("{}, central differences with step {}", coverage, num(kFiniteDifferenceStep)));
    }));
    // backward writes, it does not accumulate: a second pass gives the same gradients.
    out.push_back(guarded(repeat_name, [&] {
      loss();
      model.backward(inputs, *cache, weights);
      for (std::size_t i = 0; i < analytic.size(); ++i) {
        const auto& p = model.parameters()[i];
        for (std::size_t k = 0; k < p.size(); ++k)
          if (std::memcmp(&p.grad[k], &analytic[i][k], sizeof(float)) != 0)
            return fail(repeat_name, fmt::format("{}[{}] was {} after the first backward and {} after the second "
                                                 "(backward must write the gradients, not add to them)",
                                                 p.name, k, num(analytic[i][k]), num(p.grad[k])));
      }
      return pass(repeat_name, "identical gradients");
    }));
    // Model::train_step, if the model has it: every row's gradient asked for once, and forward's outputs
    // and backward's gradients (up to the order of float additions).
    const std::string one_pass_name = "train_step, " + mode.label;
    out.push_back(guarded(one_pass_name, [&] {
      auto one_pass_cache = model.make_cache(kBatch, kSteps);
      Tensor3 one_pass_outputs;
      std::vector<int> asked(kBatch, 0);
      const std::size_t per_row = mode.target_steps * kOutputs;
      const bool ran = model.train_step(inputs, *one_pass_cache, one_pass_outputs,
                                        [&](std::size_t first, std::size_t count, const float*, float* grad) {
                                          for (std::size_t r = first; r < first + count && r < kBatch; ++r) ++asked[r];
                                          std::copy_n(weights.data() + first * per_row, count * per_row, grad);
                                        });
      if (!ran) return skip(one_pass_name, "the model has no one-pass training step (optional)");
      for (std::size_t r = 0; r < kBatch; ++r)
        if (asked[r] != 1)
          return fail(one_pass_name,
                      fmt::format("the gradient of row {} was asked for {} times (once is right)", r, asked[r]));
      std::vector<Tensor1> grads;
      for (const auto& p : model.parameters()) grads.push_back(p.grad);
      loss();
      if (one_pass_outputs.shape() != outputs.shape() ||
          relative_difference(one_pass_outputs.data(), outputs.data(), outputs.size()) > 1e-5)
        return fail(one_pass_name, "its outputs are not forward's");
      model.backward(inputs, *cache, weights);
      for (std::size_t i = 0; i < grads.size(); ++i) {
        const auto& p = model.parameters()[i];
        const double d = relative_difference(grads[i].data(), p.grad.data(), p.size());
        if (d > 1e-4)
          return fail(one_pass_name, fmt::format("its gradient of {} differs from backward's by {} of its largest "
                                                 "entry (at most 1e-4 is right)",
                                                 p.name, num(d)));
      }
      return pass(one_pass_name, "forward's outputs, backward's gradients");
    }));
  }
  return out;
}

}  // namespace seqlab::conformance
