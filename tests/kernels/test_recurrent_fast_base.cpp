// seqlab/kernels/recurrent_fast_base.hpp (FastBase): how a fast recurrent model cuts a batch into shards, runs
// them on threads, sums their gradients and trains in one pass; through the shipped rnn, lstm and gru plugins and
// on a tanh cell of the test's own.
#include <doctest/doctest.h>

#include <algorithm>
#include <seqlab/kernels/register_gemm.hpp>
#include <seqlab/parallel.hpp>

#include "kernels/recurrent_test_kit.hpp"

using namespace seqlab::kernel_tests;
using seqlab::Tensor3;

namespace {

const char* const kModels[] = {"rnn", "lstm", "gru"};

}  // namespace

TEST_CASE("a fast model's shards are the batch's reduction blocks, whole or halved, in row order") {
  seqlab::ThreadPool pool(3);
  seqlab::Random init(3);
  const auto params = model_params(8, 1, false);
  TanhFast model({params, init, {1, 1, 2, 1}, &pool}, "rnn");
  for (const std::size_t batch : {1, 63, 64, 200, 255, 256, 700, 1500}) {
    CAPTURE(batch);
    auto cache_base = model.make_cache(batch, 2);
    const auto& cache = dynamic_cast<const seqlab::recurrent::FastCache&>(*cache_base);
    // Expected from seqlab/parallel.hpp alone: a block of 64 to 255 rows in two halves, others whole.
    std::vector<std::pair<std::size_t, std::size_t>> expected;  // (row0, rows)
    for (std::size_t b = 0; b < seqlab::reduction_blocks(batch); ++b) {
      const auto [first, last] = seqlab::reduction_block(batch, b);
      const std::size_t rows = last - first;
      if (rows >= 64 && rows < 256) {
        expected.emplace_back(first, rows / 2);
        expected.emplace_back(first + rows / 2, rows - rows / 2);
      } else {
        expected.emplace_back(first, rows);
      }
    }
    REQUIRE(cache.shards.size() == expected.size());
    for (std::size_t s = 0; s < expected.size(); ++s) {
      CHECK(cache.shards[s].row0 == expected[s].first);
      CHECK(cache.shards[s].rows == expected[s].second);
    }
  }
}

TEST_CASE("a fast model refuses a cache it did not make and inputs its cache was not made for") {
  seqlab::Random init(3), other_init(4);
  const auto params = model_params(4, 1, false);
  TanhFast model({params, init, {1, 1, 3, 1}}, "rnn");
  TanhReference other({params, other_init, {1, 1, 3, 1}});
  check_cache_refusals(model, other);
}

TEST_CASE("dropout's masks do not depend on the thread count") {
  // Two shards and three against one: every output and gradient of a training pass agrees.
  for (const char* plugin : kModels)
    for (const std::size_t threads : {2, 3}) {
      compare_kernels(plugin, {96, 5, 2, 16, 1, 3, true, threads}, 0.4);
      compare_kernels(plugin, {70, 4, 9, 5, 2, 2, false, threads}, 0.2);
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
