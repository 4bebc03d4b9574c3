// seqlab/kernels/recurrent_fast.hpp (FastModel: the fast rnn and lstm) against recurrent_reference.hpp, the plain
// oracle, through the shipped rnn and lstm plugins and on a cell of the test's own, on small, awkward and random
// shapes, with and without dropout.
#include <doctest/doctest.h>

#include "kernels/recurrent_test_kit.hpp"

using namespace seqlab::kernel_tests;

TEST_CASE("fast rnn and lstm kernels agree with the reference kernels") {
  for (const char* plugin : {"rnn", "lstm"}) compare_kernels_on_every_shape(plugin);
}

TEST_CASE("FastModel on a cell of its own agrees with the reference model on the same cell") {
  // Every path a cell can take: folded and wide inputs, fused and unfused widths, several shards, dropout.
  const Shape shapes[] = {{6, 4, 1, 5, 1, 2, false, 1}, {70, 5, 12, 32, 2, 2, true, 2}, {33, 3, 3, 16, 1, 3, false, 3}};
  for (const Shape& s : shapes)
    for (const double dropout : {0.0, 0.25}) {
      CAPTURE(s.batch);
      CAPTURE(s.hidden);
      CAPTURE(dropout);
      seqlab::ThreadPool pool(s.threads);
      const auto params = model_params(s.hidden, s.layers, s.sequence_head, "fast", dropout);
      seqlab::Random init_fast(3), init_reference(3), masks_fast(8), masks_reference(8);
      TanhFast fast({params, init_fast, model_shape(s), &pool}, "rnn");
      TanhReference reference({params, init_reference, model_shape(s)});
      if (dropout > 0) {
        fast.set_training(&masks_fast);
        reference.set_training(&masks_reference);
      }
      const RandomBatch batch(s);
      auto fast_cache = fast.make_cache(s.batch, s.steps);
      auto reference_cache = reference.make_cache(s.batch, s.steps);
      seqlab::Tensor3 fast_out, reference_out;
      fast.forward(batch.inputs, *fast_cache, fast_out);
      reference.forward(batch.inputs, *reference_cache, reference_out);
      REQUIRE(fast_out.shape() == reference_out.shape());
      CHECK(relative_difference(fast_out.data(), reference_out.data(), fast_out.size()) < 1e-5);
      fast.backward(batch.inputs, *fast_cache, batch.grad_outputs);
      reference.backward(batch.inputs, *reference_cache, batch.grad_outputs);
      for (std::size_t p = 0; p < fast.parameters().size(); ++p) {
        CAPTURE(fast.parameters()[p].name);
        CHECK(relative_difference(fast.parameters()[p].grad.data(), reference.parameters()[p].grad.data(),
                                  fast.parameters()[p].size()) < 1e-4);
      }
    }
}
