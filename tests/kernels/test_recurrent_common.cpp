// seqlab/kernels/recurrent_common.hpp: what the recurrent models share, against what it promises computed here
// another way: the layout moves, bias rows and double column sums, the dropout masks' documented draw order,
// PyTorch's parameter names, shapes and initialisation, and the sizes and refusals read from the settings.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <seqlab/kernels/recurrent_common.hpp>
#include <vector>

#include "kernels/recurrent_test_kit.hpp"

namespace recurrent = seqlab::recurrent;
using seqlab::kernel_tests::model_params;

TEST_CASE("batch-major and time-major layouts: (B, T, F) element (b, t, f) is (T, B, F) element (t, b, f)") {
  const std::size_t batch = 3, steps = 4, features = 2;
  std::vector<float> batch_major(batch * steps * features), time_major(batch_major.size()), back(batch_major.size());
  std::iota(batch_major.begin(), batch_major.end(), 0.0f);
  recurrent::to_time_major(batch_major.data(), batch, steps, features, time_major.data());
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t t = 0; t < steps; ++t)
      for (std::size_t f = 0; f < features; ++f)
        CHECK(time_major[(t * batch + b) * features + f] == batch_major[(b * steps + t) * features + f]);
  recurrent::to_batch_major(time_major.data(), batch, steps, features, back.data());
  CHECK(back == batch_major);
}

TEST_CASE("add_rows adds the bias to every row, column_sums sums columns in double, multiply multiplies") {
  std::vector<float> m{1, 2, 3, 4, 5, 6};
  const float bias[] = {10, 20, 30};
  recurrent::add_rows(m.data(), 2, 3, bias);
  CHECK(m == std::vector<float>{11, 22, 33, 14, 25, 36});
  // 100000 rows of 0.1: a float sum drifts by hundreds of ulps, the double one rounds once.
  const std::size_t rows = 100000;
  std::vector<float> column(rows, 0.1f);
  double acc;
  float out;
  recurrent::column_sums(column.data(), rows, 1, &acc, &out);
  CHECK(out == static_cast<float>(double(0.1f) * rows));
  std::vector<float> a{1, 2, 3}, b{4, 5, 6}, product(3);
  recurrent::multiply(a.data(), b.data(), 3, product.data());
  CHECK(product == std::vector<float>{4, 10, 18});
  recurrent::multiply(a.data(), b.data(), 3, a.data());  // in place
  CHECK(a == product);
}

TEST_CASE("dropout masks are drawn row by row, then boundary, step, unit, and stored time-major") {
  const std::size_t rows = 3, steps = 2, hidden = 4;
  const double p = 0.3;
  std::vector<float> m0(steps * rows * hidden), m1(m0.size());
  seqlab::Random random(5), again(5);
  recurrent::fill_dropout_masks(random, p, rows, steps, hidden, {m0.data(), m1.data()});
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  std::size_t kept = 0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::vector<float>* mask : {&m0, &m1})
      for (std::size_t t = 0; t < steps; ++t)
        for (std::size_t k = 0; k < hidden; ++k) {
          const float expected = again.uniform() >= p ? scale : 0.0f;
          CHECK((*mask)[(t * rows + r) * hidden + k] == expected);
          kept += expected != 0.0f;
        }
  CHECK(kept > 0);
  CHECK(kept < 2 * rows * steps * hidden);
  CHECK(random.next_u64() == again.next_u64());  // as many draws
}

TEST_CASE("parameters follow PyTorch's state_dict: names, shapes, order, and U(-1/sqrt(H), 1/sqrt(H)) in order") {
  recurrent::Sizes sizes;
  sizes.input = 3;
  sizes.hidden = 5;
  sizes.output = 2;
  sizes.layers = 2;
  sizes.gates = 4;
  seqlab::Random random(7), again(7);
  const auto parameters = recurrent::make_parameters(sizes, "lstm", random);
  const std::vector<std::pair<std::string, std::vector<std::size_t>>> expected{
      {"lstm.weight_ih_l0", {20, 3}}, {"lstm.weight_hh_l0", {20, 5}},
      {"lstm.bias_ih_l0", {20}},      {"lstm.bias_hh_l0", {20}},
      {"lstm.weight_ih_l1", {20, 5}}, {"lstm.weight_hh_l1", {20, 5}},
      {"lstm.bias_ih_l1", {20}},      {"lstm.bias_hh_l1", {20}},
      {"fc.weight", {2, 5}},          {"fc.bias", {2}}};
  REQUIRE(parameters.size() == expected.size());
  const double bound = 1.0 / std::sqrt(5.0);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(parameters[i].name == expected[i].first);
    CHECK(parameters[i].shape == expected[i].second);
    for (float v : parameters[i].value) CHECK(v == static_cast<float>(again.uniform(-bound, bound)));
  }
  CHECK(recurrent::weight_hh_index(1) == 5);
  CHECK(recurrent::bias_ih_index(1) == 6);
  CHECK(recurrent::fc_weight_index(sizes) == 8);
  CHECK(recurrent::fc_bias_index(sizes) == 9);
}

TEST_CASE("sizes from the settings and the data: the head follows the targets, and mismatches are refused") {
  seqlab::Random random(1);
  const auto sizes = [&](const std::string& head, std::size_t target_steps, double dropout = 0) {
    seqlab::ParamValues params = model_params(6, 3, false, "fast", dropout);
    auto values = params.all();
    values["head"] = head;
    const seqlab::ParamValues with_head(values);
    return recurrent::read_sizes({with_head, random, {2, 1, 5, target_steps}}, 4);
  };
  CHECK(sizes("auto", 1).head == recurrent::Head::last);
  CHECK(sizes("auto", 5).head == recurrent::Head::sequence);
  CHECK(sizes("last", 1).head == recurrent::Head::last);
  CHECK(sizes("sequence", 5).head == recurrent::Head::sequence);
  CHECK_THROWS_AS(sizes("last", 5), seqlab::ParamError);
  CHECK_THROWS_AS(sizes("sequence", 1), seqlab::ParamError);
  CHECK_THROWS_AS(sizes("auto", 1, 1.0), seqlab::ParamError);
  const recurrent::Sizes s = sizes("auto", 1, 0.5);
  CHECK(s.gate_width() == 24);
  CHECK(s.layer_input(0) == 2);
  CHECK(s.layer_input(2) == 6);
  CHECK(s.drops());
  CHECK(s.draws_per_sequence(5) == 2 * 5 * 6);  // two boundaries, five steps, six units
}
