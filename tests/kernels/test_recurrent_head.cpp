// seqlab/kernels/recurrent_head.hpp: the Linear head on one shard (forward_head, backward_head) against the same
// products and sums in double precision, for a last-step and a sequence head, on a shard that is not the first.
#include <doctest/doctest.h>

#include <cmath>
#include <seqlab/kernels/recurrent_head.hpp>
#include <vector>

namespace {

using seqlab::Tensor1;
using seqlab::Tensor3;
namespace recurrent = seqlab::recurrent;

constexpr std::size_t kBatch = 7, kRow0 = 2, kRows = 4, kSteps = 3, kHidden = 5, kOutput = 2;

struct Setup {
  recurrent::Sizes sizes;
  std::vector<seqlab::Parameter> parameters;
  recurrent::Shard shard;
  bool last = true;           // a last-step head, else a sequence head
  std::size_t out_steps = 1;  // the outputs' steps: 1 or kSteps
  Tensor3 outputs;            // (kBatch, out_steps, kOutput), all -3: the outputs, or their gradient
};

// A one-layer model's sizes and parameters, and the shard of rows [kRow0, kRow0 + kRows) of a batch of kBatch
// with a random top layer h (T, rows, H), as forward leaves it.
Setup make_setup(recurrent::Head head) {
  Setup s;
  s.sizes.hidden = kHidden;
  s.sizes.output = kOutput;
  s.sizes.head = head;
  s.last = head == recurrent::Head::last;
  s.out_steps = s.last ? 1 : kSteps;
  s.outputs = Tensor3::from_shape({kBatch, s.out_steps, kOutput});
  s.outputs.fill(-3.0f);
  seqlab::Random random(9);
  s.parameters = recurrent::make_parameters(s.sizes, "rnn", random);
  recurrent::Shard& sh = s.shard;
  sh.row0 = kRow0;
  sh.rows = kRows;
  sh.hidden.push_back(Tensor3::from_shape({kSteps, kRows, kHidden}));
  for (float& v : sh.hidden[0]) v = static_cast<float>(random.uniform(-1, 1));
  sh.grad_hidden = Tensor3::from_shape({kSteps, kRows, kHidden});
  sh.grad_hidden.fill(7.0f);  // what the head leaves alone must stay 7 (backward_head's returned step says which)
  sh.head = Tensor3::from_shape({kSteps, kRows, kOutput});
  for (const auto& p : s.parameters) sh.grads.push_back(Tensor1::from_shape({p.size()}));
  sh.sums.resize(kOutput);
  sh.step_sums = Tensor1::from_shape({kOutput});
  return s;
}

// h of the shard's row r at step t, and the fc weight and bias, as doubles.
double h_of(const Setup& s, std::size_t t, std::size_t r, std::size_t k) { return s.shard.hidden[0](t, r, k); }
double w_of(const Setup& s, std::size_t o, std::size_t k) {
  return s.parameters[recurrent::fc_weight_index(s.sizes)].value[o * kHidden + k];
}

}  // namespace

TEST_CASE("the head's forward writes h W_fc^T + b_fc into the shard's rows of the outputs, nothing else") {
  for (const auto head : {recurrent::Head::last, recurrent::Head::sequence}) {
    Setup s = make_setup(head);
    const Tensor3& outputs = s.outputs;
    const bool last = s.last;
    CAPTURE(last);
    recurrent::forward_head(s.sizes, s.parameters, kSteps, s.shard, s.outputs);
    const auto& bias = s.parameters[recurrent::fc_bias_index(s.sizes)].value;
    for (std::size_t b = 0; b < kBatch; ++b)
      for (std::size_t j = 0; j < s.out_steps; ++j)
        for (std::size_t o = 0; o < kOutput; ++o) {
          CAPTURE(b);
          CAPTURE(j);
          if (b < kRow0 || b >= kRow0 + kRows) {
            CHECK(outputs(b, j, o) == -3.0f);
            continue;
          }
          const std::size_t t = last ? kSteps - 1 : j;
          double expected = bias[o];
          for (std::size_t k = 0; k < kHidden; ++k) expected += w_of(s, o, k) * h_of(s, t, b - kRow0, k);
          CHECK(outputs(b, j, o) == doctest::Approx(expected).epsilon(1e-6));
        }
  }
}

TEST_CASE("the head's backward gives dW_fc, db_fc and the top layer's dL/dh") {
  for (const auto head : {recurrent::Head::last, recurrent::Head::sequence}) {
    Setup s = make_setup(head);
    seqlab::Random random(10);
    Tensor3& dy = s.outputs;
    for (float& v : dy) v = static_cast<float>(random.uniform(-1, 1));
    const bool last = s.last;
    CAPTURE(last);
    const std::size_t first = recurrent::backward_head(s.sizes, s.parameters, kSteps, s.shard, dy);
    CHECK(first == (last ? kSteps - 1 : 0));
    // The shard's rows' dy at step t (0 at steps a last-step head does not predict).
    const auto dy_of = [&](std::size_t t, std::size_t r, std::size_t o) -> double {
      if (last) return t == kSteps - 1 ? dy(kRow0 + r, 0, o) : 0.0;
      return dy(kRow0 + r, t, o);
    };
    const auto& dw = s.shard.grads[recurrent::fc_weight_index(s.sizes)];
    const auto& db = s.shard.grads[recurrent::fc_bias_index(s.sizes)];
    for (std::size_t o = 0; o < kOutput; ++o) {
      double bias_sum = 0;
      for (std::size_t t = 0; t < kSteps; ++t)
        for (std::size_t r = 0; r < kRows; ++r) bias_sum += dy_of(t, r, o);
      CHECK(db[o] == doctest::Approx(bias_sum).epsilon(1e-6));
      for (std::size_t k = 0; k < kHidden; ++k) {
        double sum = 0;
        for (std::size_t t = 0; t < kSteps; ++t)
          for (std::size_t r = 0; r < kRows; ++r) sum += dy_of(t, r, o) * h_of(s, t, r, k);
        CHECK(dw[o * kHidden + k] == doctest::Approx(sum).epsilon(1e-6));
      }
    }
    for (std::size_t t = 0; t < kSteps; ++t)
      for (std::size_t r = 0; r < kRows; ++r)
        for (std::size_t k = 0; k < kHidden; ++k) {
          CAPTURE(t);
          if (t < first) {
            CHECK(s.shard.grad_hidden(t, r, k) == 7.0f);  // left to the caller, who knows it is zero
            continue;
          }
          double expected = 0;
          for (std::size_t o = 0; o < kOutput; ++o) expected += dy_of(t, r, o) * w_of(s, o, k);
          CHECK(s.shard.grad_hidden(t, r, k) == doctest::Approx(expected).epsilon(1e-6));
        }
  }
}

TEST_CASE("the head's bias sums add each step in float and the steps in double") {
  // 3 rows x 2 columns per step, 2 steps: sums += (step's float sum), the steps' float sums added in double.
  const float m[] = {1e8f, 1.0f, 1.0f, 2.0f, -1e8f, 3.0f, 0.5f, 0.25f, 0.5f, 0.25f, 0.5f, 0.25f};
  double sums[2] = {10.0, 20.0};
  float step[2];
  recurrent::accumulate_step_sums(m, 3, 2, sums, step);
  recurrent::accumulate_step_sums(m + 6, 3, 2, sums, step);
  // Step 1, column 0, in float: 1e8 + 1 rounds to 1e8, then - 1e8: 0, as float addition in row order gives.
  const float first_column = (1e8f + 1.0f) + -1e8f;
  CHECK(sums[0] == 10.0 + double(first_column) + 1.5);
  CHECK(sums[1] == 20.0 + 6.0 + 0.75);
  CHECK(step[0] == 1.5f);
  CHECK(step[1] == 0.75f);
}
