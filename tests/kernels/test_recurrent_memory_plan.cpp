// seqlab/kernels/recurrent_memory_plan.hpp: the recurrent models' memory plans against what the models hold: the
// parameters a model makes, and the activations a fast model's shards allocate, counted from its buffers.
#include <doctest/doctest.h>

#include <seqlab/kernels/recurrent_memory_plan.hpp>
#include <seqlab/kernels/register_gemm.hpp>
#include <seqlab/memory.hpp>

#include "kernels/recurrent_test_kit.hpp"

using namespace seqlab::kernel_tests;
namespace recurrent = seqlab::recurrent;

namespace {

// The plan of a tanh cell's model (gates 1, no state: the rnn's) with these settings.
seqlab::ModelPlan tanh_plan(const seqlab::ParamValues& params, const seqlab::ModelShape& shape) {
  return recurrent::plan_memory({params, shape, 1}, 1, 0, 0, false);
}

// Floats a fast model's shards hold in their (T, rows, F) activation buffers after a forward.
double activation_floats(const seqlab::ModelCache& cache_base) {
  const auto& cache = dynamic_cast<const recurrent::FastCache&>(cache_base);
  double floats = 0;
  const auto add = [&](const std::vector<seqlab::Tensor3>& tensors) {
    for (const auto& t : tensors) floats += static_cast<double>(t.size());
  };
  for (const auto& sh : cache.shards) {
    floats += static_cast<double>(sh.inputs.size() + sh.grad_hidden.size() + sh.head.size());
    add(sh.gates);
    add(sh.hidden);
    add(sh.state);
    add(sh.masks);
    add(sh.dropped);
  }
  return floats;
}

}  // namespace

TEST_CASE("a recurrent memory plan counts the parameters the model makes, and the reference kernel holds two copies") {
  const Shape shapes[] = {{4, 3, 1, 8, 1, 1, false, 1}, {4, 3, 5, 16, 2, 3, true, 1}, {4, 3, 12, 33, 3, 2, false, 1}};
  for (const Shape& s : shapes)
    for (const char* kernel : {"fast", "reference"}) {
      CAPTURE(s.hidden);
      CAPTURE(kernel);
      const auto params = model_params(s.hidden, s.layers, s.sequence_head, kernel);
      seqlab::Random init(3);
      TanhReference model({params, init, model_shape(s)});
      double count = 0;
      for (const auto& p : model.parameters()) count += static_cast<double>(p.size());
      const seqlab::ModelPlan plan = tanh_plan(params, model_shape(s));
      CHECK(plan.parameters == count);
      if (std::string(kernel) == "reference") CHECK(plan.fixed_bytes == 2 * sizeof(float) * count);
    }
}

TEST_CASE("a fast model's activations are what its memory plan counts per sequence and step") {
  // Folded and wide inputs, one and three layers, last and sequence heads, with and without dropout.
  const Shape shapes[] = {{40, 6, 1, 16, 1, 1, false, 1}, {90, 4, 12, 32, 2, 3, true, 2}, {7, 5, 3, 9, 1, 2, true, 1}};
  for (const Shape& s : shapes)
    for (const double dropout : {0.0, 0.3}) {
      CAPTURE(s.batch);
      CAPTURE(dropout);
      const auto params = model_params(s.hidden, s.layers, s.sequence_head, "fast", dropout);
      seqlab::ThreadPool pool(s.threads);
      seqlab::Random init(3);
      TanhFast model({params, init, model_shape(s), &pool}, "rnn");
      auto cache = model.make_cache(s.batch, s.steps);
      seqlab::Tensor3 out;
      model.forward(RandomBatch(s).inputs, *cache, out);
      const seqlab::PlanArgs args{params, model_shape(s), 1};
      const double per_sequence_step =
          sizeof(float) * recurrent::activation_floats_per_step(double(s.input), double(s.hidden), double(s.layers),
                                                                double(s.hidden), 0,
                                                                s.sequence_head ? double(s.output) : 0) +
          recurrent::dropout_bytes_per_sequence_step(args);
      const double sequence_steps = double(s.batch * s.steps);
      CHECK(sizeof(float) * activation_floats(*cache) == per_sequence_step * sequence_steps);
      const seqlab::ModelPlan plan = tanh_plan(params, model_shape(s));
      CHECK(plan.bytes_per_sequence_step >= per_sequence_step);
      // Dropout's share: a mask and a dropped copy of h per boundary, nothing with one layer.
      CHECK(recurrent::dropout_bytes_per_sequence_step(args) ==
            (dropout > 0 ? 2 * sizeof(float) * double((s.layers - 1) * s.hidden) : 0.0));
      // The one-pass figure is declared only where train_step cuts shards into groups: nothing dropped (no
      // dropout, or one layer), and the recurrent product on the register kernel.
      const bool drops = dropout > 0 && s.layers > 1;
      const bool one_pass = !drops && seqlab::register_gemm_nn_fits(s.hidden, s.hidden);
      CHECK((plan.one_pass_bytes_per_sequence_step >= 0) == one_pass);
    }
}
