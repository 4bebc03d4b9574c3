// model_gradients: one forward and backward of a built model plugin on given weights, for a comparison outside seqlab.
//
//   model_gradients PLUGIN.so IN.f32 OUT.f32 BATCH STEPS INPUT_SIZE OUTPUT_SIZE TARGET_STEPS [key=value ...]
//
// Loads the plugin file itself (the library seqlab would load, not its source again), makes its model with
// the given parameters (the rest at their defaults) and reads from IN.f32, raw little-endian float32:
// the inputs (B, T, I), the weights w of L = sum(w * outputs) (B, T', O), then every parameter's values
// in the model's order. It writes to OUT.f32 the outputs (B, T', O), then every parameter's dL/d, in that
// order, and prints each parameter's name and shape, one a line, so the caller can check the layout.
// compare_with_torch.py drives it; it reads no YAML and validates no ranges, unlike the runner: a tool
// for tests, not for users.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <seqlab/plugin.hpp>
#include <stdexcept>
#include <string>

namespace {

void read_floats(std::ifstream& in, float* to, std::size_t n, const std::string& what) {
  if (!in.read(reinterpret_cast<char*>(to), static_cast<std::streamsize>(n * sizeof(float))))
    throw std::runtime_error("the input file ends before " + what);
}

// A key=value setting as the schema's type for that key.
seqlab::ParamValue parse_setting(const seqlab::ParamSpec& spec, const std::string& text) {
  switch (spec.type) {
    case seqlab::ParamType::integer:
      return static_cast<std::int64_t>(std::stoll(text));
    case seqlab::ParamType::real:
      return std::stod(text);
    case seqlab::ParamType::boolean:
      return text == "true";
    default:
      return text;
  }
}

int run(int argc, char** argv) {
  if (argc < 9) {
    std::cerr << "usage: model_gradients PLUGIN.so IN.f32 OUT.f32 BATCH STEPS INPUT_SIZE OUTPUT_SIZE TARGET_STEPS "
                 "[key=value ...]\n";
    return 2;
  }
  // Never closed: the model's code lives in the library.
  void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!library) throw std::runtime_error(std::string("cannot load the plugin: ") + dlerror());
  const auto* descriptor = static_cast<const seqlab::PluginDescriptor*>(dlsym(library, seqlab::kDescriptorSymbol));
  if (!descriptor || descriptor->magic != seqlab::kPluginMagic || descriptor->api_version != seqlab::kApiVersion)
    throw std::runtime_error(std::string(argv[1]) + " is no model plugin of this seqlab's API");
  const seqlab::PluginInfo& info = descriptor->info();
  if (!info.make_model) throw std::runtime_error(info.meta.name + " is not a model plugin");

  std::map<std::string, seqlab::ParamValue> values;
  for (const seqlab::ParamSpec& spec : info.meta.params)
    if (spec.default_value) values[spec.name] = *spec.default_value;
  for (int i = 9; i < argc; ++i) {
    const std::string setting = argv[i];
    const std::size_t eq = setting.find('=');
    const std::string key = setting.substr(0, eq);
    const seqlab::ParamSpec* spec = nullptr;
    for (const seqlab::ParamSpec& s : info.meta.params)
      if (s.name == key) spec = &s;
    if (eq == std::string::npos || !spec) throw std::runtime_error("not a key=value of this plugin: " + setting);
    values[key] = parse_setting(*spec, setting.substr(eq + 1));
  }
  const seqlab::ParamValues params(values);
  const auto size = [&](int i) { return static_cast<std::size_t>(std::stoul(argv[i])); };
  const std::size_t batch = size(4), steps = size(5), inputs_size = size(6), outputs_size = size(7);
  const std::size_t target_steps = size(8);
  seqlab::Random random(0);  // the initial weights are replaced below
  auto model = info.make_model({params, random, {inputs_size, outputs_size, steps, target_steps}});

  std::ifstream in(argv[2], std::ios::binary);
  auto inputs = seqlab::Tensor3::from_shape({batch, steps, inputs_size});
  auto weights = seqlab::Tensor3::from_shape({batch, target_steps, outputs_size});
  read_floats(in, inputs.data(), inputs.size(), "the inputs");
  read_floats(in, weights.data(), weights.size(), "the output weights");
  for (seqlab::Parameter& p : model->parameters()) read_floats(in, p.value.data(), p.size(), p.name);
  if (in.peek() != std::ifstream::traits_type::eof()) throw std::runtime_error("the input file is longer than needed");

  auto cache = model->make_cache(batch, steps);
  seqlab::Tensor3 outputs;
  model->forward(inputs, *cache, outputs);
  model->backward(inputs, *cache, weights);

  std::ofstream out(argv[3], std::ios::binary);
  out.write(reinterpret_cast<const char*>(outputs.data()), static_cast<std::streamsize>(outputs.size() * 4));
  for (const seqlab::Parameter& p : model->parameters()) {
    out.write(reinterpret_cast<const char*>(p.grad.data()), static_cast<std::streamsize>(p.size() * 4));
    std::cout << p.name;
    for (std::size_t d : p.shape) std::cout << ' ' << d;
    std::cout << '\n';
  }
  if (!out) throw std::runtime_error(std::string("cannot write ") + argv[3]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "model_gradients: " << e.what() << '\n';
    return 1;
  }
}
