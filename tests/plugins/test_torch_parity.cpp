// PyTorch parity: rnn/lstm/gru models (with and without dropout), losses, optimizers and learning-rate
// schedulers against torch 1.13 fixtures.
//
// The fixtures (tests/fixtures/torch, layout in tools/make_torch_fixtures.py)
// hold PyTorch's weights, inputs, outputs, loss and gradients; the real plugins
// are loaded from the build's plugin folder and run on the same numbers. A
// dropout case trains (Model::set_training) on the fixture's seed, and the
// fixture holds the masks the model must have drawn from it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runs/npy.hpp"
#include "host/plugin_loader.hpp"

namespace {

#ifdef SEQLAB_TEST_SOURCE_DIR
const std::string kFixtures = std::string(SEQLAB_TEST_SOURCE_DIR) + "/tests/fixtures/torch/";
#else
const std::string kFixtures = std::string(SEQLAB_SOURCE_DIR) + "/tests/fixtures/torch/";
#endif

constexpr double kModelTolerance = 1e-5;      // outputs, loss, gradients
constexpr double kOptimizerTolerance = 1e-6;  // parameters after each step

// Normwise relative difference of two tensors: max_i |a_i - b_i| / max_i |b_i|.
// Not per element: float32 rounding in a GEMM or a sum is proportional to the
// size of the terms summed, so an entry that is nearly zero by cancellation
// (a gradient entry of 1e-9 among entries of 1e-1) carries an absolute error
// of the tensor's scale, and a per-element ratio would flag it for no fault.
// Scaling by the tensor's largest entry measures exactly what rounding
// produces. The 1e-30 floor only keeps an all-zero reference from dividing by
// zero (then any nonzero difference fails).
double relative_difference(const float* actual, const float* expected, std::size_t n) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < n; ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(actual[i]) - expected[i]));
    scale = std::max(scale, std::abs(static_cast<double>(expected[i])));
  }
  return diff / std::max(scale, 1e-30);
}

nlohmann::json manifest() {
  std::ifstream in(kFixtures + "manifest.json");
  REQUIRE_MESSAGE(in, "cannot open ", kFixtures, "manifest.json (run tools/make_torch_fixtures.py)");
  return nlohmann::json::parse(in);
}

seqlab::NpyArray fixture(const std::string& case_name, const std::string& file) {
  return seqlab::read_npy(kFixtures + case_name + "/" + file + ".npy");
}

seqlab::Tensor3 to_tensor3(const seqlab::NpyArray& a) {
  REQUIRE(a.shape.size() == 3);
  seqlab::Tensor3 t = seqlab::Tensor3::from_shape({a.shape[0], a.shape[1], a.shape[2]});
  std::copy(a.data.begin(), a.data.end(), t.data());
  return t;
}

seqlab::LoadedPlugin plugin(const std::string& name) {
  return seqlab::load_plugin_file(std::string(SEQLAB_TEST_PLUGIN_DIR) + "/" + name + ".so");
}

// A plugin's ParamValues: the fixture's value where it gives one, else the declared default.
seqlab::ParamValues params_for(const seqlab::LoadedPlugin& p, const nlohmann::json& given) {
  std::map<std::string, seqlab::ParamValue> values;
  for (const seqlab::ParamSpec& spec : p.info->meta.params) {
    if (!given.contains(spec.name)) {
      REQUIRE_MESSAGE(spec.default_value.has_value(), "fixture lacks required ", spec.name);
      values[spec.name] = *spec.default_value;
      continue;
    }
    const nlohmann::json& v = given.at(spec.name);
    switch (spec.type) {
      case seqlab::ParamType::integer:
        values[spec.name] = v.get<std::int64_t>();
        break;
      case seqlab::ParamType::real:
        values[spec.name] = v.get<double>();
        break;
      case seqlab::ParamType::boolean:
        values[spec.name] = v.get<bool>();
        break;
      case seqlab::ParamType::text:
      case seqlab::ParamType::choice:
      case seqlab::ParamType::path:
        values[spec.name] = v.get<std::string>();
        break;
      case seqlab::ParamType::real_list:
        values[spec.name] = v.get<std::vector<double>>();
        break;
      case seqlab::ParamType::text_list:
        values[spec.name] = v.get<std::vector<std::string>>();
        break;
    }
  }
  for (const auto& item : given.items()) {
    INFO("plugin '", p.name(), "' has no parameter '", item.key(), "' that the fixture sets");
    CHECK(values.count(item.key()) == 1);
  }
  return seqlab::ParamValues(values);
}

// The mask of a dropout case, drawn as recurrent_common.hpp says the models draw it: per batch row b,
// boundary l, step t, unit k, keep = uniform() >= p, kept values scaled by 1/(1-p). It must be the
// fixture's mask.npy (L-1, B, T, H), which the generator drew with a Python copy of seqlab::Random.
void check_mask(const std::string& name, const nlohmann::json& c) {
  const seqlab::NpyArray mask = fixture(name, "mask");
  const std::size_t layers = c.at("num_layers"), hidden = c.at("hidden_size");
  const std::size_t batch = c.at("batch"), steps = c.at("steps");
  REQUIRE(mask.shape == std::vector<std::size_t>{layers - 1, batch, steps, hidden});
  const double p = c.at("dropout");
  seqlab::Random random = seqlab::Random::stream(c.at("dropout_seed"), c.at("dropout_stream").get<std::string>());
  const auto scale = static_cast<float>(1.0 / (1.0 - p));
  std::size_t differ = 0, kept = 0;
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t l = 0; l + 1 < layers; ++l)
      for (std::size_t i = 0; i < steps * hidden; ++i) {
        const float value = random.uniform() >= p ? scale : 0.0f;
        differ += value != mask.data[(l * batch + b) * steps * hidden + i];
        kept += value != 0.0f;
      }
  CHECK(differ == 0);
  CHECK(kept > 0);
  CHECK(kept < mask.data.size());
}

void check_model_case(const nlohmann::json& c) {
  const std::string name = c.at("case");
  INFO("fixture case ", name);
  const auto model_plugin = plugin(c.at("model"));
  const auto mse_plugin = plugin("mse");

  const seqlab::Tensor3 inputs = to_tensor3(fixture(name, "inputs"));
  const seqlab::Tensor3 targets = to_tensor3(fixture(name, "targets"));
  const std::size_t batch = c.at("batch"), steps = c.at("steps");
  const std::size_t target_steps = targets.shape()[1];
  nlohmann::json given = {
      {"hidden_size", c.at("hidden_size")}, {"num_layers", c.at("num_layers")}, {"head", c.at("head")}};
  const bool dropout = c.contains("dropout");
  if (dropout) {
    given["dropout"] = c.at("dropout");
    check_mask(name, c);
  }
  const seqlab::ParamValues params = params_for(model_plugin, given);
  seqlab::Random random(0);  // the initial weights are overwritten with PyTorch's
  const seqlab::ModelShape shape{c.at("input_size"), c.at("output_size"), steps, target_steps};
  auto model = seqlab::create_model(model_plugin, {params, random, shape});
  const seqlab::ParamValues no_params;
  auto loss = seqlab::create_loss(mse_plugin, {no_params, random, {}});

  // Same names, order and shapes as the state_dict; then PyTorch's values.
  auto& parameters = model->parameters();
  const std::vector<std::string> names = c.at("parameters");
  REQUIRE(parameters.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    REQUIRE(parameters[i].name == names[i]);
    const seqlab::NpyArray value = fixture(name, "param." + names[i]);
    REQUIRE(parameters[i].shape == value.shape);
    std::copy(value.data.begin(), value.data.end(), parameters[i].value.data());
  }

  auto cache = model->make_cache(batch, steps);
  seqlab::Tensor3 outputs, grad_outputs;
  // Twice: the second pass must not see anything left over from the first.
  for (int pass = 0; pass < 2; ++pass) {
    CAPTURE(pass);
    // Training mode draws the masks from the fixture's stream; a fresh one each pass gives the same masks.
    seqlab::Random masks = dropout
                               ? seqlab::Random::stream(c.at("dropout_seed"), c.at("dropout_stream").get<std::string>())
                               : seqlab::Random(0);
    model->set_training(dropout ? &masks : nullptr);
    model->forward(inputs, *cache, outputs);
    model->set_training(nullptr);
    const seqlab::NpyArray expected_outputs = fixture(name, "outputs");
    REQUIRE(std::vector<std::size_t>(outputs.shape().begin(), outputs.shape().end()) == expected_outputs.shape);
    const double outputs_diff = relative_difference(outputs.data(), expected_outputs.data.data(), outputs.size());
    INFO("outputs: relative difference ", outputs_diff);
    CHECK(outputs_diff <= kModelTolerance);

    const double value = loss->value(outputs, targets);
    const double expected_loss = fixture(name, "loss").data.at(0);
    INFO("loss ", value, " vs torch ", expected_loss);
    CHECK(std::abs(value - expected_loss) <= kModelTolerance * std::abs(expected_loss));

    loss->gradient(outputs, targets, grad_outputs);
    model->backward(inputs, *cache, grad_outputs);
    for (const seqlab::Parameter& p : parameters) {
      const seqlab::NpyArray expected = fixture(name, "grad." + p.name);
      REQUIRE(expected.data.size() == p.size());
      const double diff = relative_difference(p.grad.data(), expected.data.data(), p.size());
      INFO("gradient of ", p.name, ": relative difference ", diff);
      CHECK(diff <= kModelTolerance);
    }
  }
}

void check_optimizer_case(const nlohmann::json& c) {
  const std::string name = c.at("case");
  INFO("fixture case ", name);
  const auto optimizer_plugin = plugin(c.at("plugin"));
  const seqlab::ParamValues params = params_for(optimizer_plugin, c.at("params"));
  seqlab::Random random(0);
  auto optimizer = seqlab::create_optimizer(optimizer_plugin, {params, random, {}});

  std::vector<seqlab::Parameter> parameters;
  std::vector<seqlab::NpyArray> grads, after;
  for (const std::string& p : c.at("parameters")) {
    const seqlab::NpyArray value = fixture(name, "param." + p);
    parameters.emplace_back(p, value.shape);
    std::copy(value.data.begin(), value.data.end(), parameters.back().value.data());
    grads.push_back(fixture(name, "grads." + p));
    after.push_back(fixture(name, "after." + p));
  }
  const std::size_t steps = c.at("steps");
  for (std::size_t k = 0; k < steps; ++k) {
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      const std::size_t n = parameters[i].size();
      REQUIRE(grads[i].data.size() == steps * n);
      std::copy_n(grads[i].data.begin() + k * n, n, parameters[i].grad.data());
    }
    optimizer->step(parameters);
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      const std::size_t n = parameters[i].size();
      const double diff = relative_difference(parameters[i].value.data(), after[i].data.data() + k * n, n);
      INFO("parameter ", parameters[i].name, " after step ", k + 1, ": relative difference ", diff);
      CHECK(diff <= kOptimizerTolerance);
    }
  }
}

}  // namespace

TEST_CASE("rnn, lstm and gru match PyTorch: outputs, MSE loss and every gradient, with and without dropout") {
  const nlohmann::json cases = manifest().at("models");
  CHECK(cases.size() == 18);  // 3 models x 2 heads x 1-2 layers, then 3 models x 2-3 layers with dropout
  std::size_t dropout_cases = 0;
  for (const auto& c : cases) {
    check_model_case(c);
    dropout_cases += c.contains("dropout");
  }
  CHECK(dropout_cases == 6);
}

TEST_CASE("rnn, lstm and gru with dropout do not drop in evaluation mode") {
  // The dropout cases' weights and inputs in evaluation mode: the stacked network of the
  // model without dropout, so the same outputs whatever p is.
  const nlohmann::json cases = manifest().at("models");  // kept: a range-for over manifest().at() would dangle
  for (const auto& c : cases) {
    if (!c.contains("dropout")) continue;
    const std::string name = c.at("case");
    INFO("fixture case ", name);
    const auto model_plugin = plugin(c.at("model"));
    const seqlab::Tensor3 inputs = to_tensor3(fixture(name, "inputs"));
    const std::size_t target_steps = c.at("head") == "last" ? 1 : std::size_t(c.at("steps"));
    const seqlab::ModelShape shape{c.at("input_size"), c.at("output_size"), c.at("steps"), target_steps};
    seqlab::Tensor3 with_dropout, without;
    for (double p : {0.0, double(c.at("dropout"))}) {
      seqlab::Random random(0);
      auto model = seqlab::create_model(model_plugin, {params_for(model_plugin, {{"hidden_size", c.at("hidden_size")},
                                                                                 {"num_layers", c.at("num_layers")},
                                                                                 {"head", c.at("head")},
                                                                                 {"dropout", p}}),
                                                       random, shape});
      for (auto& parameter : model->parameters()) {
        const seqlab::NpyArray value = fixture(name, "param." + parameter.name);
        std::copy(value.data.begin(), value.data.end(), parameter.value.data());
      }
      auto cache = model->make_cache(c.at("batch"), c.at("steps"));
      seqlab::Random masks(1);
      model->set_training(&masks);  // and back: the default and nullptr are evaluation
      model->set_training(nullptr);
      model->forward(inputs, *cache, p == 0.0 ? without : with_dropout);
    }
    REQUIRE(with_dropout.shape() == without.shape());
    CHECK(relative_difference(with_dropout.data(), without.data(), without.size()) == 0.0);
  }
}

TEST_CASE("adam, adamw, rmsprop (every flag) and sgd match torch.optim step for step") {
  const nlohmann::json cases = manifest().at("optimizers");
  CHECK(cases.size() == 15);
  for (const auto& c : cases) check_optimizer_case(c);
}

TEST_CASE("mae and huber match torch.nn.L1Loss and HuberLoss: value and gradient") {
  const nlohmann::json cases = manifest().at("losses");
  CHECK(cases.size() == 3);
  for (const auto& c : cases) {
    const std::string name = c.at("case");
    INFO("fixture case ", name);
    const auto loss_plugin = plugin(c.at("plugin"));
    seqlab::Random random(0);
    auto loss = seqlab::create_loss(loss_plugin, {params_for(loss_plugin, c.at("params")), random, {}});
    const seqlab::Tensor3 predictions = to_tensor3(fixture(name, "predictions"));
    const seqlab::Tensor3 targets = to_tensor3(fixture(name, "targets"));
    const double value = loss->value(predictions, targets);
    const double expected = fixture(name, "loss").data.at(0);
    INFO("loss ", value, " vs torch ", expected);
    CHECK(std::abs(value - expected) <= kModelTolerance * std::abs(expected));
    seqlab::Tensor3 grad;
    loss->gradient(predictions, targets, grad);
    const seqlab::NpyArray expected_grad = fixture(name, "grad");
    REQUIRE(expected_grad.data.size() == grad.size());
    const double diff = relative_difference(grad.data(), expected_grad.data.data(), grad.size());
    INFO("gradient: relative difference ", diff);
    CHECK(diff <= kModelTolerance);
  }
}

TEST_CASE("every scheduler's rates match torch.optim.lr_scheduler epoch for epoch") {
  const nlohmann::json cases = manifest().at("schedulers");
  CHECK(cases.size() == 8);
  for (const auto& c : cases) {
    const std::string name = c.at("case");
    INFO("fixture case ", name);
    const auto scheduler_plugin = plugin(c.at("plugin"));
    seqlab::Random random(0);
    auto scheduler =
        seqlab::create_scheduler(scheduler_plugin, {params_for(scheduler_plugin, c.at("params")), random, {}});
    const std::vector<double> expected = c.at("rates");
    const std::vector<double> train = c.at("losses").at("train_loss"), val = c.at("losses").at("val_loss");
    const int epochs = c.at("epochs");
    double rate = scheduler->start(c.at("base_lr").get<double>(), epochs);
    for (int e = 1; e <= epochs; ++e) {
      const double want = expected.at(static_cast<std::size_t>(e - 1));
      INFO("epoch ", e, ": seqlab ", rate, ", torch ", want);
      // torch multiplies its rates step by step, seqlab computes each from the epoch: rounding apart.
      CHECK(std::abs(rate - want) <= 1e-12 * std::abs(want));
      if (e < epochs)
        rate = scheduler->next({e, train.at(static_cast<std::size_t>(e - 1)), val.at(static_cast<std::size_t>(e - 1))});
    }
  }
}
