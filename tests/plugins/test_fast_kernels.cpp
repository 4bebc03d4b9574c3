// The fast recurrent kernels against the plain reference ones, on random and awkward shapes, with and without
// dropout.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include <seqlab/kernels/register_gemm.hpp>

#include "conformance/check_kit.hpp"
#include "host/plugin_loader.hpp"

namespace {

using seqlab::Tensor3;

struct Shape {
  std::size_t batch, steps, input, hidden, output, layers;
  bool sequence_head;
  std::size_t threads;
};

seqlab::ParamValues model_params(std::size_t hidden, std::size_t layers, bool sequence, const std::string& kernel,
                                 double dropout) {
  return seqlab::ParamValues({{"hidden_size", std::int64_t(hidden)},
                              {"num_layers", std::int64_t(layers)},
                              {"head", std::string(sequence ? "sequence" : "last")},
                              {"kernel", kernel},
                              {"dropout", dropout}});
}

using seqlab::conformance::relative_difference;

seqlab::LoadedPlugin load_model(const std::string& name) {
  return seqlab::load_plugin_file(std::string(SEQLAB_TEST_PLUGIN_DIR) + "/" + name + ".so");
}
seqlab::ModelShape model_shape(const Shape& s) { return {s.input, s.output, s.steps, s.sequence_head ? s.steps : 1}; }

// A shape's random inputs (in [-1.5, 1.5]) and dL/d(outputs) (in [-1, 1]).
struct RandomBatch {
  Tensor3 inputs, grad_outputs;
  explicit RandomBatch(const Shape& s) {
    seqlab::Random data(5);
    inputs = Tensor3::from_shape({s.batch, s.steps, s.input});
    for (auto& v : inputs) v = static_cast<float>(data.uniform(-1.5, 1.5));
    grad_outputs = Tensor3::from_shape({s.batch, s.sequence_head ? s.steps : 1, s.output});
    for (auto& v : grad_outputs) v = static_cast<float>(data.uniform(-1, 1));
  }
};

// With dropout > 0 both models train, each drawing its masks from its own Random of the same
// seed: the masks must be the same whatever the shards, and so must the number of draws.
void compare(const std::string& plugin_name, const Shape& s, double dropout = 0) {
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
  const seqlab::ModelShape shape = model_shape(s);
  seqlab::ThreadPool pool(s.threads);
  const auto fast_params = model_params(s.hidden, s.layers, s.sequence_head, "fast", dropout);
  const auto reference_params = model_params(s.hidden, s.layers, s.sequence_head, "reference", dropout);
  seqlab::Random random_fast(3), random_reference(3);  // same seed: same initial weights
  auto fast = seqlab::create_model(plugin, {fast_params, random_fast, shape, &pool});
  auto reference = seqlab::create_model(plugin, {reference_params, random_reference, shape, nullptr});

  const RandomBatch batch(s);
  const Tensor3 &inputs = batch.inputs, &grad_outputs = batch.grad_outputs;

  auto fast_cache = fast->make_cache(s.batch, s.steps);
  auto reference_cache = reference->make_cache(s.batch, s.steps);
  // Twice: the second pass checks that nothing from the first leaks into it.
  seqlab::Random masks_fast(11), masks_reference(11);
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

}  // namespace

const char* const kModels[] = {"rnn", "lstm", "gru"};

TEST_CASE("fast rnn, lstm and gru kernels agree with the reference kernels") {
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
  for (const char* plugin : kModels)
    for (const Shape& s : shapes) {
      compare(plugin, s);
      // Dropout between layers: the same masks, drawn before the shards run, in both kernels.
      if (s.layers > 1) compare(plugin, s, 0.3);
    }
  // And random ones.
  seqlab::Random random(17);
  for (int i = 0; i < 6; ++i) {
    const Shape s{1 + random.below(80), 1 + random.below(8), 1 + random.below(12), 1 + random.below(40),
                  1 + random.below(3),  1 + random.below(3), random.below(2) == 1, 1 + random.below(3)};
    for (const char* plugin : kModels) compare(plugin, s, i % 2 == 0 ? 0.0 : 0.5);
  }
}

TEST_CASE("dropout's masks do not depend on the thread count") {
  // Two shards and three against one: every output and gradient of a training pass agrees.
  for (const char* plugin : kModels)
    for (const std::size_t threads : {2, 3}) {
      compare(plugin, {96, 5, 2, 16, 1, 3, true, threads}, 0.4);
      compare(plugin, {70, 4, 9, 5, 2, 2, false, threads}, 0.2);
    }
}

// `seqlab eval --data` gives a file's windows the predictions the run made for them: a sequence's outputs
// must not depend on how many sequences share its batch. Checked where every product is seqlab's own (the
// gate widths the register kernel takes, and the head's fixed-order sums); widths it does not take go to
// OpenBLAS, whose results for a row depend on the row count (docs/performance.md).
TEST_CASE("a sequence's outputs do not depend on the batch it is in, bit for bit") {
  const std::size_t width = seqlab::register_gemm_detail::kWidth;
  for (const char* plugin_name : kModels)
    for (const bool sequence_head : {false, true}) {
      CAPTURE(plugin_name);
      CAPTURE(sequence_head);
      const std::size_t steps = 6, input = 2, hidden = 2 * width, output = 2, target_steps = sequence_head ? steps : 1;
      const auto plugin = load_model(plugin_name);
      seqlab::Random init(3);
      auto model = seqlab::create_model(
          plugin, {model_params(hidden, 2, sequence_head, "fast", 0.0), init, {input, output, steps, target_steps}});
      // 300 sequences (one shard, 50 full tiles of 6 rows) against the last 47 of them (a shard with a
      // 5-row tile at its end) and the last one alone.
      const std::size_t big = 300;
      seqlab::Random data(5);
      Tensor3 inputs = Tensor3::from_shape({big, steps, input});
      for (auto& v : inputs) v = static_cast<float>(data.uniform(-1.5, 1.5));
      Tensor3 all;
      auto cache = model->make_cache(big, steps);
      model->forward(inputs, *cache, all);
      const std::size_t per_sequence = target_steps * output;
      for (const std::size_t rows : {std::size_t(47), std::size_t(1)}) {
        CAPTURE(rows);
        Tensor3 part = Tensor3::from_shape({rows, steps, input}), out;
        std::copy(inputs.end() - static_cast<std::ptrdiff_t>(rows * steps * input), inputs.end(), part.begin());
        auto part_cache = model->make_cache(rows, steps);
        model->forward(part, *part_cache, out);
        REQUIRE(out.size() == rows * per_sequence);
        CHECK(std::equal(out.begin(), out.end(), all.end() - static_cast<std::ptrdiff_t>(rows * per_sequence)));
      }
    }
}

// Model::train_step (forward and backward a group of sequences at a time, in buffers that stay in cache)
// against forward then backward: the same outputs bit for bit, the same gradient up to the order in
// which the groups' parts are added. The shapes make several groups per shard, of two sizes (hidden 64
// and 100 steps give groups of 12 or 13 of a shard's 100 sequences), with two shards on two threads,
// several layers, a wide input and a sequence head.
TEST_CASE("a training step in one pass gives forward's outputs and backward's gradient") {
  const Shape shapes[] = {
      {100, 100, 1, 64, 1, 1, false, 1},  // one shard of 8 groups
      {200, 60, 1, 64, 2, 2, true, 2},    // two shards, two layers, sequence head
      {150, 80, 20, 48, 1, 1, false, 2},  // a wide input (per-step products), groups of 12 and 13
      {30, 5, 2, 8, 1, 1, false, 1},      // one group: the shard itself
      {40, 20, 1, 80, 1, 1, false, 1},    // hidden above 64: the lstm keeps c_t alone
  };
  for (const char* plugin_name : kModels)
    for (const Shape& s : shapes) {
      CAPTURE(plugin_name);
      CAPTURE(s.batch);
      CAPTURE(s.steps);
      const auto plugin = load_model(plugin_name);
      const seqlab::ModelShape shape = model_shape(s);
      seqlab::ThreadPool pool(s.threads);
      const auto params = model_params(s.hidden, s.layers, s.sequence_head, "fast", 0.0);
      seqlab::Random init_a(3), init_b(3);
      auto one_pass = seqlab::create_model(plugin, {params, init_a, shape, &pool});
      auto two_pass = seqlab::create_model(plugin, {params, init_b, shape, &pool});
      const RandomBatch batch(s);
      const Tensor3 &inputs = batch.inputs, &grad_outputs = batch.grad_outputs;
      auto cache_a = one_pass->make_cache(s.batch, s.steps);
      auto cache_b = two_pass->make_cache(s.batch, s.steps);
      const std::size_t per_row = shape.target_steps * s.output;
      for (int pass = 0; pass < 2; ++pass) {  // twice: nothing of the first may leak into the second
        Tensor3 out_a, out_b;
        std::vector<int> asked(s.batch, 0);
        const bool ran = one_pass->train_step(
            inputs, *cache_a, out_a, [&](std::size_t first, std::size_t count, const float*, float* grad) {
              for (std::size_t r = first; r < first + count; ++r) ++asked[r];
              std::copy_n(grad_outputs.data() + first * per_row, count * per_row, grad);
            });
        REQUIRE(ran);
        CHECK(std::all_of(asked.begin(), asked.end(), [](int n) { return n == 1; }));  // every row once
        two_pass->forward(inputs, *cache_b, out_b);
        two_pass->backward(inputs, *cache_b, grad_outputs);
        REQUIRE(out_a.shape() == out_b.shape());
        CHECK(std::equal(out_a.begin(), out_a.end(), out_b.begin()));
        for (std::size_t p = 0; p < one_pass->parameters().size(); ++p) {
          const auto& a = one_pass->parameters()[p];
          const auto& b = two_pass->parameters()[p];
          CAPTURE(a.name);
          CHECK(relative_difference(a.grad.data(), b.grad.data(), a.size()) < 1e-5);
        }
      }
    }
}

TEST_CASE("a training step in one pass declines dropout, and the reference kernel has none") {
  for (const char* plugin_name : kModels) {
    CAPTURE(plugin_name);
    const auto plugin = load_model(plugin_name);
    const seqlab::ModelShape shape{1, 1, 4, 1};
    const auto ask = [](std::size_t, std::size_t, const float*, float*) { FAIL("no gradient asked for"); };
    Tensor3 inputs = Tensor3::from_shape({8, 4, 1}), out;
    inputs.fill(0.5f);
    seqlab::Random init(3), masks(4);
    auto dropping = seqlab::create_model(plugin, {model_params(8, 2, false, "fast", 0.3), init, shape});
    dropping->set_training(&masks);
    auto cache = dropping->make_cache(8, 4);
    CHECK_FALSE(dropping->train_step(inputs, *cache, out, ask));
    auto reference = seqlab::create_model(plugin, {model_params(8, 1, false, "reference", 0.0), init, shape});
    auto reference_cache = reference->make_cache(8, 4);
    CHECK_FALSE(reference->train_step(inputs, *reference_cache, out, ask));
  }
}
