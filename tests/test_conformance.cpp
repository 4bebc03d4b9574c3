// Every built model and loss plugin, loaded through the real loader, against central finite differences.
// A new plugin dropped into the build is covered without writing a test.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "param_validation.hpp"
#include "plugin_loader.hpp"

namespace {

using seqlab::Tensor3;

seqlab::PluginRegistry& registry() {
  static seqlab::PluginRegistry r({SEQLAB_TEST_PLUGIN_DIR});
  return r;
}

Tensor3 random_tensor(seqlab::Random& random, std::size_t a, std::size_t b, std::size_t c) {
  Tensor3 t = Tensor3::from_shape({a, b, c});
  for (auto& v : t) v = static_cast<float>(random.uniform(-1.0, 1.0));
  return t;
}

// L = sum(weights * outputs): a loss whose gradient with respect to the outputs is `weights`.
double weighted_sum(const Tensor3& outputs, const Tensor3& weights) {
  double sum = 0;
  for (std::size_t i = 0; i < outputs.size(); ++i) sum += static_cast<double>(outputs.data()[i]) * weights.data()[i];
  return sum;
}

// |numeric - analytic| relative to their size, with a floor so that gradients
// that are zero up to float noise do not count as huge relative errors.
double relative_error(double numeric, double analytic) {
  return std::abs(numeric - analytic) / std::max({std::abs(numeric), std::abs(analytic), 1e-2});
}

constexpr double kEps = 5e-3;        // float32: smaller steps drown in rounding
constexpr double kTolerance = 2e-2;  // a wrong gradient is off by O(1); rounding stays well below this

void check_model(const seqlab::LoadedPlugin& plugin, std::size_t target_steps_choice) {
  const std::size_t batch = 3, steps = 5, inputs_per_step = 3, outputs_per_step = 2;
  const std::size_t target_steps = target_steps_choice == 1 ? 1 : steps;
  const seqlab::ParamValues params = seqlab::default_params(plugin.info->meta.params);
  seqlab::Random random(7);
  auto model = seqlab::create_model(plugin, {params, random, {inputs_per_step, outputs_per_step, steps, target_steps}});
  REQUIRE(model->output_steps(steps) == target_steps);

  const Tensor3 inputs = random_tensor(random, batch, steps, inputs_per_step);
  const Tensor3 weights = random_tensor(random, batch, target_steps, outputs_per_step);
  auto cache = model->make_cache(batch, steps);
  Tensor3 outputs;
  auto loss = [&] {
    model->forward(inputs, *cache, outputs);
    return weighted_sum(outputs, weights);
  };
  loss();
  REQUIRE(outputs.shape() == std::array<std::size_t, 3>{batch, target_steps, outputs_per_step});
  model->backward(inputs, *cache, weights);
  std::vector<seqlab::Tensor1> analytic;
  for (const auto& p : model->parameters()) analytic.push_back(p.grad);

  // backward writes, it does not accumulate: a second pass gives the same gradients.
  loss();
  model->backward(inputs, *cache, weights);
  for (std::size_t i = 0; i < analytic.size(); ++i) CHECK(model->parameters()[i].grad == analytic[i]);

  double worst = 0;
  std::string worst_name;
  for (std::size_t i = 0; i < model->parameters().size(); ++i) {
    auto& p = model->parameters()[i];
    // Up to 25 entries per parameter, spread over it: enough to catch a wrong term.
    const std::size_t stride = std::max<std::size_t>(1, p.size() / 25);
    for (std::size_t k = 0; k < p.size(); k += stride) {
      const float saved = p.value[k];
      p.value[k] = static_cast<float>(saved + kEps);
      const double up = loss();
      p.value[k] = static_cast<float>(saved - kEps);
      const double down = loss();
      p.value[k] = saved;
      const double numeric = (up - down) / (2 * kEps);
      const double error = relative_error(numeric, analytic[i][k]);
      if (error > worst) {
        worst = error;
        worst_name = p.name + "[" + std::to_string(k) + "]";
      }
    }
  }
  INFO("model plugin '", plugin.name(), "' (", plugin.file, "), target steps ", target_steps, ": worst ", worst_name,
       " relative error ", worst);
  CHECK(worst < kTolerance);
}

void check_loss(const seqlab::LoadedPlugin& plugin) {
  const seqlab::ParamValues params = seqlab::default_params(plugin.info->meta.params);
  seqlab::Random random(11);
  auto loss = seqlab::create_loss(plugin, {params, random, {}});
  Tensor3 predictions = random_tensor(random, 3, 4, 2);
  const Tensor3 targets = random_tensor(random, 3, 4, 2);
  Tensor3 grad;
  loss->gradient(predictions, targets, grad);
  REQUIRE(grad.shape() == predictions.shape());
  double worst = 0;
  for (std::size_t k = 0; k < predictions.size(); ++k) {
    const float saved = predictions.data()[k];
    predictions.data()[k] = static_cast<float>(saved + 1e-3);
    const double up = loss->value(predictions, targets);
    predictions.data()[k] = static_cast<float>(saved - 1e-3);
    const double down = loss->value(predictions, targets);
    predictions.data()[k] = saved;
    worst = std::max(worst, relative_error((up - down) / 2e-3, grad.data()[k]));
  }
  INFO("loss plugin '", plugin.name(), "' (", plugin.file, "): worst relative error ", worst);
  CHECK(worst < kTolerance);
}

}  // namespace

TEST_CASE("every model plugin's backward matches finite differences") {
  int checked = 0;
  for (const auto& plugin : registry().plugins()) {
    if (plugin.kind() != seqlab::PluginKind::model) continue;
    for (std::size_t target_steps : {1, 0}) {
      CAPTURE(plugin.name());
      check_model(plugin, target_steps);
    }
    ++checked;
  }
  CHECK(checked >= 2);  // at least rnn and lstm are built
}

TEST_CASE("every loss plugin's gradient matches finite differences") {
  int checked = 0;
  for (const auto& plugin : registry().plugins()) {
    if (plugin.kind() != seqlab::PluginKind::loss) continue;
    check_loss(plugin);
    ++checked;
  }
  CHECK(checked >= 1);
}
