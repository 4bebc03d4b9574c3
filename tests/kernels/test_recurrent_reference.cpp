// seqlab/kernels/recurrent_reference.hpp (ReferenceModel, the plain oracle the fast kernels are held to) on a tanh
// cell, against the network computed here from its equations in double precision: outputs, and every gradient
// against central finite differences of that computation; and with the recurrent part kept apart (the GRU's
// split_recurrent), the same numbers.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/recurrent_test_kit.hpp"

using namespace seqlab::kernel_tests;
using seqlab::Tensor3;

namespace {

using Values = std::vector<std::vector<double>>;  // per parameter, in the model's order

// The stacked tanh RNN and Linear head of recurrent_common.hpp's header, in double, from `p` (weight_ih, weight_hh,
// bias_ih, bias_hh per layer, then fc.weight, fc.bias): outputs (B, T or 1, O), batch-major.
std::vector<double> network(const Values& p, const Tensor3& x, std::size_t hidden, std::size_t layers,
                            std::size_t output, bool sequence_head) {
  const std::size_t batch = x.shape()[0], steps = x.shape()[1], input = x.shape()[2];
  std::vector<double> y;
  for (std::size_t b = 0; b < batch; ++b) {
    std::vector<std::vector<double>> seq(steps);  // the layer's input sequence, then its h sequence
    for (std::size_t t = 0; t < steps; ++t)
      for (std::size_t i = 0; i < input; ++i) seq[t].push_back(x(b, t, i));
    for (std::size_t l = 0; l < layers; ++l) {
      const auto &w_ih = p[4 * l], &w_hh = p[4 * l + 1], &b_ih = p[4 * l + 2], &b_hh = p[4 * l + 3];
      const std::size_t in = seq[0].size();
      std::vector<double> h(hidden, 0.0);
      for (std::size_t t = 0; t < steps; ++t) {
        std::vector<double> next(hidden);
        for (std::size_t k = 0; k < hidden; ++k) {
          double a = b_ih[k] + b_hh[k];
          for (std::size_t i = 0; i < in; ++i) a += w_ih[k * in + i] * seq[t][i];
          for (std::size_t j = 0; j < hidden; ++j) a += w_hh[k * hidden + j] * h[j];
          next[k] = std::tanh(a);
        }
        h = seq[t] = next;
      }
    }
    const auto &w_fc = p[4 * layers], &b_fc = p[4 * layers + 1];
    for (std::size_t t = sequence_head ? 0 : steps - 1; t < steps; ++t)
      for (std::size_t o = 0; o < output; ++o) {
        double v = b_fc[o];
        for (std::size_t k = 0; k < hidden; ++k) v += w_fc[o * hidden + k] * seq[t][k];
        y.push_back(v);
      }
  }
  return y;
}

double dot(const std::vector<double>& a, const Tensor3& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b.data()[i];
  return sum;
}

}  // namespace

TEST_CASE("the reference model computes the network's outputs and gradients (finite differences in double)") {
  for (const bool sequence_head : {false, true})
    for (const bool split : {false, true}) {
      CAPTURE(sequence_head);
      CAPTURE(split);
      const Shape s{3, 4, 2, 3, 2, 2, sequence_head, 1};
      seqlab::Random init(3);
      const auto params = model_params(s.hidden, s.layers, s.sequence_head, "reference");
      TanhReference model({params, init, model_shape(s)}, split);
      const RandomBatch batch(s);
      auto cache = model.make_cache(s.batch, s.steps);
      Tensor3 out;
      model.forward(batch.inputs, *cache, out);
      model.backward(batch.inputs, *cache, batch.grad_outputs);

      Values p;
      for (const auto& parameter : model.parameters()) p.emplace_back(parameter.value.begin(), parameter.value.end());
      const auto y = network(p, batch.inputs, s.hidden, s.layers, s.output, s.sequence_head);
      REQUIRE(out.size() == y.size());
      for (std::size_t i = 0; i < y.size(); ++i) CHECK(out.data()[i] == doctest::Approx(y[i]).epsilon(1e-5));

      // L = sum(grad_outputs * outputs): backward's gradients are dL/dp.
      const double eps = 1e-6;
      for (std::size_t q = 0; q < p.size(); ++q) {
        const auto& parameter = model.parameters()[q];
        CAPTURE(parameter.name);
        double scale = 1e-3;
        std::vector<double> numeric(p[q].size());
        for (std::size_t k = 0; k < p[q].size(); ++k) {
          const double saved = p[q][k];
          p[q][k] = saved + eps;
          const double up =
              dot(network(p, batch.inputs, s.hidden, s.layers, s.output, s.sequence_head), batch.grad_outputs);
          p[q][k] = saved - eps;
          const double down =
              dot(network(p, batch.inputs, s.hidden, s.layers, s.output, s.sequence_head), batch.grad_outputs);
          p[q][k] = saved;
          numeric[k] = (up - down) / (2 * eps);
          scale = std::max(scale, std::fabs(numeric[k]));
        }
        for (std::size_t k = 0; k < numeric.size(); ++k) {
          CAPTURE(k);
          CHECK(std::fabs(parameter.grad[k] - numeric[k]) <= 1e-5 * scale);
        }
      }
    }
}

TEST_CASE("the reference model refuses a cache it did not make and inputs its cache was not made for") {
  seqlab::Random init(3), other_init(4);
  const auto params = model_params(4, 1, false, "reference");
  TanhReference model({params, init, {1, 1, 3, 1}});
  TanhFast other({params, other_init, {1, 1, 3, 1}}, "rnn");
  check_cache_refusals(model, other);
}
