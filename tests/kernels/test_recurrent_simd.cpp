// seqlab/kernels/recurrent_simd.hpp: the cells' elementwise helpers. for_columns visits every column once, in
// SIMD batches and then a scalar tail; load and store move one batch or one float; tanh and sigmoid give the
// same bits on the lanes and on the tail, within the fast activations' error of libm's.
#include <doctest/doctest.h>

#include <cmath>
#include <seqlab/kernels/recurrent_simd.hpp>
#include <type_traits>
#include <vector>

namespace simd = seqlab::recurrent::simd;

TEST_CASE("for_columns visits each column once: whole SIMD batches first, then single floats") {
  const std::size_t w = simd::kWidth;
  for (std::size_t n : {std::size_t(0), std::size_t(1), w - 1, w, w + 1, 3 * w + 5}) {
    CAPTURE(n);
    std::vector<int> visits(n, 0);
    std::size_t batches = 0, tail_from = n;
    simd::for_columns(n, [&](std::size_t k, auto zero) {
      const std::size_t width = std::is_same_v<decltype(zero), float> ? 1 : w;
      if (width == 1 && tail_from == n) tail_from = k;
      if (width == w) {
        ++batches;
        CHECK(tail_from == n);  // no batch after the tail has started
      }
      for (std::size_t j = k; j < k + width; ++j) ++visits.at(j);
    });
    for (int v : visits) CHECK(v == 1);
    CHECK(batches == n / w);
    CHECK(tail_from == (n % w == 0 ? n : n / w * w));
  }
}

TEST_CASE("load and store move a batch or a float, and tanh and sigmoid agree on lanes and tail and with libm") {
  const std::size_t w = simd::kWidth, n = 4 * w + 3;
  std::vector<float> x(n), t(n), s(n), t_shifted(n), copy(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = -6.0f + 12.0f * static_cast<float>(i) / static_cast<float>(n);
  const auto apply = [&](std::size_t first, std::vector<float>& th, std::vector<float>& sg) {
    simd::for_columns(n - first, [&](std::size_t k, auto zero) {
      const auto v = simd::load(x.data() + first + k, zero);
      simd::store(th.data() + first + k, simd::tanh(v));
      simd::store(sg.data() + first + k, simd::sigmoid(v));
      simd::store(copy.data() + first + k, v);
    });
  };
  apply(0, t, s);
  CHECK(copy == x);
  // Shifted by 3, other columns fall in the tail and in batches: the same bits.
  std::vector<float> s_shifted(n);
  apply(3, t_shifted, s_shifted);
  for (std::size_t i = 3; i < n; ++i) {
    CAPTURE(x[i]);
    CHECK(t_shifted[i] == t[i]);
    CHECK(s_shifted[i] == s[i]);
    CHECK(std::fabs(t[i] - std::tanh(double(x[i]))) <= 4.1e-7);
    CHECK(std::fabs(s[i] - 1.0 / (1.0 + std::exp(-double(x[i])))) <= 1.5e-7);
  }
}
