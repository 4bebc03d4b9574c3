// What the recurrent kernel tests (tests/kernels/test_recurrent_*.cpp, test_gru_fast.cpp) share: the models'
// parameters, a tanh cell on both implementations of the machinery, and the shipped rnn, lstm and gru plugins'
// fast kernels held to their reference kernels.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <seqlab/kernels/recurrent_fast.hpp>
#include <seqlab/kernels/recurrent_reference.hpp>
#include <string>

#include "conformance/check_kit.hpp"
#include "host/plugin_loader.hpp"

namespace seqlab::kernel_tests {

using conformance::relative_difference;
using recurrent::ReferenceCache;

// The recurrent models' parameters (recurrent_common.hpp's schema) with these values.
inline ParamValues model_params(std::size_t hidden, std::size_t layers, bool sequence_head,
                                const std::string& kernel = "fast", double dropout = 0) {
  return ParamValues({{"hidden_size", std::int64_t(hidden)},
                      {"num_layers", std::int64_t(layers)},
                      {"head", std::string(sequence_head ? "sequence" : "last")},
                      {"kernel", kernel},
                      {"dropout", dropout}});
}

// h_t = tanh(a_t), the rnn plugin's cell, on recurrent_reference.hpp. With `split`, the recurrent part is kept
// apart (split_recurrent, as the GRU keeps it), which must change nothing for this cell.
class TanhReference : public recurrent::ReferenceModel {
 public:
  explicit TanhReference(const PluginArgs& args, bool split = false) : ReferenceModel(args, "rnn", 1, split) {}

  std::unique_ptr<ModelCache> make_cache(std::size_t batch, std::size_t steps) const override {
    return std::make_unique<ReferenceCache>(sizes_, batch, steps, split_recurrent_);
  }

 private:
  void forward_step(std::size_t layer, std::size_t t, ReferenceCache& cache) const override {
    const std::size_t n = cache.batch * sizes_.hidden;
    const float* a = ReferenceCache::at(cache.gates[layer], t);
    const float* rec = split_recurrent_ ? ReferenceCache::at(cache.recurrent[layer], t) : nullptr;
    float* h = ReferenceCache::at(cache.hidden[layer], t);
    for (std::size_t k = 0; k < n; ++k) h[k] = std::tanh(rec ? a[k] + rec[k] : a[k]);
  }

  // da_t = dh_t (1 - h_t^2), for both parts when split.
  void backward_step(std::size_t layer, std::size_t t, ReferenceCache& cache) const override {
    const std::size_t n = cache.batch * sizes_.hidden;
    const float* h = ReferenceCache::at(cache.hidden[layer], t);
    const float* dh = ReferenceCache::at(cache.grad_hidden, t);
    float* da = ReferenceCache::at(cache.grad_gates, t);
    float* dr = split_recurrent_ ? ReferenceCache::at(cache.grad_recurrent, t) : nullptr;
    for (std::size_t k = 0; k < n; ++k) {
      da[k] = dh[k] * (1.0f - h[k] * h[k]);
      if (dr) dr[k] = da[k];
    }
  }
};

// The same cell as recurrent_fast.hpp's FastModel takes it.
struct TanhCell {
  static constexpr std::size_t kGates = 1;
  static constexpr std::size_t state_width(std::size_t) { return 0; }
  static constexpr bool kKeepsGates = false;
  static constexpr bool kForwardsPairs = false;

  template <class V>
  static void forward(V (&a)[1], const float*, float*, float* h_out, std::size_t) {
    recurrent::simd::store(h_out, recurrent::simd::tanh(a[0]));
  }

  template <class V>
  static void backward(const V& d_h, V (&a)[1], float*, bool, const float* h_t, const float*, const float*,
                       std::size_t) {
    const V y = recurrent::simd::load(h_t, V{});
    a[0] = d_h * (V(1.0f) - y * y);
  }
};
using TanhFast = recurrent::FastModel<TanhCell>;

// A model refuses a cache another model made, and inputs its own cache was not made for (logic errors).
inline void check_cache_refusals(Model& model, const Model& other) {
  Tensor3 inputs = Tensor3::from_shape({2, 3, 1}), out;
  inputs.fill(0.5f);
  auto foreign = other.make_cache(2, 3);
  CHECK_THROWS_AS(model.forward(inputs, *foreign, out), std::logic_error);
  auto cache = model.make_cache(5, 3);
  CHECK_THROWS_AS(model.forward(inputs, *cache, out), std::logic_error);
}

// A model's shape, and the threads its fast kernel runs on.
struct Shape {
  std::size_t batch, steps, input, hidden, output, layers;
  bool sequence_head;
  std::size_t threads;
};
inline ModelShape model_shape(const Shape& s) { return {s.input, s.output, s.steps, s.sequence_head ? s.steps : 1}; }

inline LoadedPlugin load_model(const std::string& name) {
  return load_plugin_file(std::string(SEQLAB_TEST_PLUGIN_DIR) + "/" + name + ".so");
}

// A shape's random inputs (in [-1.5, 1.5]) and dL/d(outputs) (in [-1, 1]).
struct RandomBatch {
  Tensor3 inputs, grad_outputs;
  explicit RandomBatch(const Shape& s) {
    Random data(5);
    inputs = Tensor3::from_shape({s.batch, s.steps, s.input});
    for (auto& v : inputs) v = static_cast<float>(data.uniform(-1.5, 1.5));
    grad_outputs = Tensor3::from_shape({s.batch, s.sequence_head ? s.steps : 1, s.output});
    for (auto& v : grad_outputs) v = static_cast<float>(data.uniform(-1, 1));
  }
};

// A plugin's fast kernel against its reference kernel on one shape: outputs and gradients, twice. With
// dropout > 0 both train, each drawing its masks from its own Random of the same seed: the masks must be the
// same whatever the shards, and so must the number of draws.
inline void compare_kernels(const std::string& plugin_name, const Shape& s, double dropout = 0) {
  CAPTURE(plugin_name);
  CAPTURE(dropout);
  CAPTURE(s.batch);
  CAPTURE(s.steps);
  CAPTURE(s.input);
  CAPTURE(s.hidden);
  CAPTURE(s.output);
  CAPTURE(s.layers);
  CAPTURE(s.sequence_head);
  CAPTURE(s.threads);
  const auto plugin = load_model(plugin_name);
  const ModelShape shape = model_shape(s);
  ThreadPool pool(s.threads);
  const auto fast_params = model_params(s.hidden, s.layers, s.sequence_head, "fast", dropout);
  const auto reference_params = model_params(s.hidden, s.layers, s.sequence_head, "reference", dropout);
  Random random_fast(3), random_reference(3);  // same seed: same initial weights
  auto fast = create_model(plugin, {fast_params, random_fast, shape, &pool});
  auto reference = create_model(plugin, {reference_params, random_reference, shape, nullptr});

  const RandomBatch batch(s);
  const Tensor3 &inputs = batch.inputs, &grad_outputs = batch.grad_outputs;

  auto fast_cache = fast->make_cache(s.batch, s.steps);
  auto reference_cache = reference->make_cache(s.batch, s.steps);
  // Twice: the second pass checks that nothing from the first leaks into it.
  Random masks_fast(11), masks_reference(11);
  if (dropout > 0) {
    fast->set_training(&masks_fast);
    reference->set_training(&masks_reference);
  }
  for (int pass = 0; pass < 2; ++pass) {  // with dropout, the second pass draws new masks
    Tensor3 fast_out, reference_out;
    fast->forward(inputs, *fast_cache, fast_out);
    reference->forward(inputs, *reference_cache, reference_out);
    CHECK(masks_fast.next_u64() == masks_reference.next_u64());
    REQUIRE(fast_out.shape() == reference_out.shape());
    CHECK(relative_difference(fast_out.data(), reference_out.data(), fast_out.size()) < 1e-5);
    fast->backward(inputs, *fast_cache, grad_outputs);
    reference->backward(inputs, *reference_cache, grad_outputs);
    for (std::size_t p = 0; p < fast->parameters().size(); ++p) {
      const auto& f = fast->parameters()[p];
      const auto& r = reference->parameters()[p];
      CAPTURE(f.name);
      CHECK(relative_difference(f.grad.data(), r.grad.data(), f.size()) < 1e-4);
    }
  }
}

// compare_kernels over small, awkward and random shapes, with and without dropout.
inline void compare_kernels_on_every_shape(const std::string& plugin) {
  const Shape shapes[] = {
      {1, 1, 1, 1, 1, 1, false, 1},    // the smallest of everything
      {1, 7, 2, 3, 1, 3, true, 2},     // batch 1, three layers, odd sizes
      {5, 1, 3, 9, 2, 2, false, 1},    // sequence length 1
      {4, 6, 12, 5, 3, 2, true, 1},    // a wide input: the GEMM path instead of the folded one
      {70, 9, 1, 17, 1, 2, false, 2},  // enough rows for two shards
      {97, 5, 10, 33, 2, 3, true, 3},  // three uneven shards, wide input, sequence head
      {64, 4, 1, 8, 1, 1, false, 2},   // hidden exactly one SIMD width or less
      // Widths the register GEMM takes (with 512-bit SIMD; 256-bit takes 8, 24 and 40 too): hidden 16, 32, 48, 64
      // give every tile shape, and batches that are no multiple of a tile's rows.
      {13, 5, 1, 16, 1, 1, false, 1},
      {50, 6, 3, 32, 2, 2, true, 2},
      {7, 3, 1, 48, 1, 1, false, 1},
      {3, 2, 2, 64, 1, 2, true, 1},
      // Inputs wider than the fold with register-kernel widths: x_t W_ih^T and x_t^T da_t per step
      // (20 features as in a csv case, one past the fold, an odd width, a wide one; two shards).
      {9, 4, 20, 16, 1, 1, false, 1},
      {70, 5, 9, 32, 2, 2, true, 2},
      {5, 2, 17, 48, 1, 1, false, 1},
      {33, 3, 50, 64, 1, 1, false, 1},
      // Above hidden 64 the lstm's backward recomputes tanh(c_t) instead of reading it (fused, then not).
      {11, 4, 1, 80, 1, 2, false, 1},
      {6, 3, 2, 65, 1, 1, true, 1},
  };
  for (const Shape& s : shapes) {
    compare_kernels(plugin, s);
    // Dropout between layers: the same masks, drawn before the shards run, in both kernels.
    if (s.layers > 1) compare_kernels(plugin, s, 0.3);
  }
  // And random ones.
  Random random(17);
  for (int i = 0; i < 6; ++i) {
    const Shape s{1 + random.below(80), 1 + random.below(8), 1 + random.below(12), 1 + random.below(40),
                  1 + random.below(3),  1 + random.below(3), random.below(2) == 1, 1 + random.below(3)};
    compare_kernels(plugin, s, i % 2 == 0 ? 0.0 : 0.5);
  }
}

}  // namespace seqlab::kernel_tests
