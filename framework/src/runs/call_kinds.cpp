// `seqlab call` for models, losses, optimizers and datasets: read the arrays, run the plugin once, write the results.
// Tested in tests/cli/test_call_command.cpp, tests/cli/call_torch_test.py
#include "runs/call_kinds.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "config/config_error.hpp"

namespace seqlab {

namespace {

std::string owner(const LoadedPlugin& plugin) {
  return std::string(kind_name(plugin.kind())) + " plugin '" + plugin.name() + "'";
}

// Values uniform in [-1, 1), drawn in row-major order: the default for an array --input does not give.
void fill_uniform(Random& random, float* data, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) data[i] = static_cast<float>(random.uniform(-1.0, 1.0));
}

Tensor3 random_tensor(Random& random, const std::vector<std::size_t>& shape) {
  Tensor3 tensor = Tensor3::from_shape({shape.at(0), shape.at(1), shape.at(2)});
  fill_uniform(random, tensor.data(), tensor.size());
  return tensor;
}

// The defaults' own stream, apart from the plugin's (named like a run's), so that defaulting one array never
// changes the plugin's initial weights.
Random defaults_random(const CallOptions& options) { return Random::stream(options.seed, "call"); }

}  // namespace

void call_model(const CallContext& call) {
  const CallOptions& o = call.options;
  Random defaults = defaults_random(o);
  std::optional<Tensor3> read_x = call.in.read3("x");
  const Tensor3 x = read_x ? std::move(*read_x) : random_tensor(defaults, o.input_shape);
  const std::vector<std::size_t> x_shape = shape_of(x);
  if (x.size() == 0)
    throw ConfigError({call.in.file("x")}, "",
                      "the input " + shape_text(x_shape) + " is empty; give at least one step");
  const std::size_t steps = x_shape[1];

  Random model_random = Random::stream(o.seed, "model");  // as a run of this seed: the same initial weights
  const ModelShape shape{x_shape[2], o.output_size, steps, o.target_steps};
  Handle<Model> model = create_model(call.plugin, {call.params, model_random, shape, nullptr});
  if (model->output_steps(steps) != o.target_steps) {
    SourceLocation where;
    where.override = "--target-steps " + std::to_string(o.target_steps);
    throw ConfigError(where, "",
                      fmt::format("{} predicts {} step(s) for {} input steps; give --target-steps {}",
                                  owner(call.plugin), model->output_steps(steps), steps, model->output_steps(steps)));
  }
  std::vector<Parameter>& parameters = model->parameters();
  std::set<std::string> reads = {"x", "grad_output"}, writes = {"output"};
  for (const Parameter& p : parameters) {
    reads.insert(p.name);
    writes.insert("grad_" + p.name);
  }
  call.in.refuse_unknown(reads, writes, owner(call.plugin));
  for (Parameter& p : parameters)
    if (const std::optional<NpyArray> given = call.in.read(p.name, p.shape))
      std::copy(given->data.begin(), given->data.end(), p.value.begin());

  model->set_training(nullptr);  // evaluation mode: no dropout, as torch's model.eval()
  const std::unique_ptr<ModelCache> cache = model->make_cache(x_shape[0], steps);
  Tensor3 output;
  model->forward(x, *cache, output);
  std::optional<Tensor3> read_grad = call.in.read3("grad_output", shape_of(output));
  Tensor3 grad_output = read_grad ? std::move(*read_grad) : Tensor3(output);
  if (!read_grad) grad_output.fill(1.0f);  // the gradient of sum(output)
  model->backward(x, *cache, grad_output);

  call.out.write("x", x);
  call.out.write("output", output);
  call.out.write("grad_output", grad_output);
  for (const Parameter& p : parameters) call.out.write(p.name, p.value.data(), p.shape);
  for (const Parameter& p : parameters) call.out.write("grad_" + p.name, p.grad.data(), p.shape);
}

void call_loss(const CallContext& call) {
  const CallOptions& o = call.options;
  call.in.refuse_unknown({"prediction", "target"}, {"loss", "grad_prediction"}, owner(call.plugin));
  Random defaults = defaults_random(o);
  std::optional<Tensor3> read_prediction = call.in.read3("prediction");
  const Tensor3 prediction = read_prediction ? std::move(*read_prediction) : random_tensor(defaults, o.input_shape);
  std::optional<Tensor3> read_target = call.in.read3("target", shape_of(prediction));
  const Tensor3 target = read_target ? std::move(*read_target) : random_tensor(defaults, shape_of(prediction));

  Random unused = Random::stream(o.seed, "loss");
  Handle<Loss> loss = create_loss(call.plugin, {call.params, unused, {}, nullptr});
  const float value = static_cast<float>(loss->value(prediction, target));
  Tensor3 grad;
  loss->gradient(prediction, target, grad);

  call.out.write("prediction", prediction);
  call.out.write("target", target);
  call.out.write("loss", &value, {});
  call.out.write("grad_prediction", grad);
}

void call_optimizer(const CallContext& call) {
  const CallOptions& o = call.options;
  const std::string grad_prefix = "grad_";
  // Every <name>.npy with its grad_<name>.npy, in name order (the optimizer's parameter order).
  std::vector<std::string> names;
  for (const std::string& name : call.in.names())
    if (name.rfind(grad_prefix, 0) != 0) names.push_back(name);
  std::set<std::string> known;
  for (const std::string& name : names) known.insert({name, grad_prefix + name});
  call.in.refuse_unknown(known, {}, owner(call.plugin) + " (a grad_<name>.npy goes with each <name>.npy)");

  std::vector<Parameter> parameters;
  std::vector<Tensor1> grads;
  Random defaults = defaults_random(o);
  if (names.empty()) {  // the default: one 3 x 4 parameter and gradient
    parameters.emplace_back("weight", std::vector<std::size_t>{3, 4});
    fill_uniform(defaults, parameters.back().value.data(), parameters.back().size());
    fill_uniform(defaults, parameters.back().grad.data(), parameters.back().size());
  }
  for (const std::string& name : names) {
    const NpyArray value = *call.in.read(name);
    const std::optional<NpyArray> grad = call.in.read(grad_prefix + name, value.shape);
    if (!grad)
      throw ConfigError({call.in.file(name)}, "",
                        "has no gradient beside it; give " + grad_prefix + name + ".npy of the same shape");
    parameters.emplace_back(name, value.shape);
    std::copy(value.data.begin(), value.data.end(), parameters.back().value.begin());
    std::copy(grad->data.begin(), grad->data.end(), parameters.back().grad.begin());
  }
  for (const Parameter& p : parameters) grads.push_back(p.grad);

  Random optimizer_random = Random::stream(o.seed, "optimizer");
  Handle<Optimizer> optimizer = create_optimizer(call.plugin, {call.params, optimizer_random, {}, nullptr});
  for (const Parameter& p : parameters) call.out.write("grad_" + p.name, p.grad.data(), p.shape);
  for (int step = 0; step < o.steps; ++step) {
    for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i].grad = grads[i];  // the same every step
    optimizer->step(parameters);
  }
  for (const Parameter& p : parameters) call.out.write(p.name, p.value.data(), p.shape);
}

void call_dataset(const CallContext& call) {
  std::set<std::string> writes;
  for (const char* split : {"train", "validation", "test"})
    for (const char* part : {"_inputs", "_targets"}) writes.insert(std::string(split) + part);
  call.in.refuse_unknown({}, writes, owner(call.plugin) + " (it reads only its parameters)");
  Random dataset_random = Random::stream(call.options.seed, "dataset");  // as a run of this seed: the same data
  Handle<Dataset> dataset = create_dataset(call.plugin, {call.params, dataset_random, {}, nullptr});
  const DatasetSplits splits = dataset->load();
  const std::pair<const char*, const SequenceSet*> sets[] = {
      {"train", &splits.train}, {"validation", &splits.validation}, {"test", &splits.test}};
  for (const auto& [name, set] : sets) {
    if (set->inputs.size() == 0) continue;  // an empty split has no shape worth writing
    call.out.write(std::string(name) + "_inputs", set->inputs);
    call.out.write(std::string(name) + "_targets", set->targets);
  }
}

}  // namespace seqlab
