// seqlab/kernels/recurrent_products.hpp: the fast recurrent kernels' products (on the register kernel where it
// applies, else OpenBLAS) against the same products in double precision, on widths either side of that line;
// the ordered row sums against adding rows one by one; and the head's Linear rows, whose bits must not depend on
// how many rows come with a row.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <seqlab/kernels/recurrent_products.hpp>
#include <seqlab/kernels/register_gemm.hpp>
#include <seqlab/random.hpp>
#include <vector>

namespace {

namespace recurrent = seqlab::recurrent;

std::vector<float> random_values(seqlab::Random& random, std::size_t n) {
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(random.uniform(-1, 1));
  return v;
}

// Largest |got - exact| over the matrix, relative to its largest |exact| (a float product of depth k is within
// about k * 2^-24 of it).
double worst_error(const std::vector<float>& got, const std::vector<double>& exact) {
  double worst = 0, scale = 1e-30;
  for (std::size_t i = 0; i < got.size(); ++i) {
    worst = std::max(worst, std::fabs(got[i] - exact[i]));
    scale = std::max(scale, std::fabs(exact[i]));
  }
  return worst / scale;
}

}  // namespace

TEST_CASE("product_nt, product_nn and product_tn compute their products, writing or adding, on either kernel") {
  const std::size_t w = seqlab::register_gemm_detail::kWidth;
  seqlab::Random random(31);
  // n a multiple of the SIMD width (the register kernel, where the build has one) or not (OpenBLAS); k large
  // enough for the nn product's panel to go to OpenBLAS.
  for (std::size_t n : {w, 3 * w, w + 3, std::size_t(7)})
    for (std::size_t k : {std::size_t(1), std::size_t(9), std::size_t(40), 300 * 1024 / (3 * w) + 1})
      for (std::size_t m : {1, 13})
        for (const bool accumulate : {false, true}) {
          CAPTURE(n);
          CAPTURE(k);
          CAPTURE(m);
          CAPTURE(accumulate);
          const auto a = random_values(random, m * k), w_nk = random_values(random, n * k);
          const auto start = random_values(random, m * n);
          std::vector<float> w_kn(k * n);  // w_nk transposed: the nt product's copy, and the nn product's operand
          for (std::size_t j = 0; j < n; ++j)
            for (std::size_t i = 0; i < k; ++i) w_kn[i * n + j] = w_nk[j * k + i];
          std::vector<double> exact(m * n);
          for (std::size_t r = 0; r < m; ++r)
            for (std::size_t j = 0; j < n; ++j) {
              double sum = accumulate ? start[r * n + j] : 0.0;
              for (std::size_t i = 0; i < k; ++i) sum += double(a[r * k + i]) * w_nk[j * k + i];
              exact[r * n + j] = sum;
            }
          std::vector<float> nt = start, nn = start, tn = start;
          recurrent::product_nt(a.data(), m, k, w_nk.data(), w_kn.data(), n, nt.data(), accumulate);
          recurrent::product_nn(a.data(), m, k, w_kn.data(), n, nn.data(), accumulate);
          // a^T b with a = the m x k matrix transposed (k rows of m) and b = w_kn: the same product.
          std::vector<float> a_t(k * m);
          for (std::size_t r = 0; r < m; ++r)
            for (std::size_t i = 0; i < k; ++i) a_t[i * m + r] = a[r * k + i];
          recurrent::product_tn(a_t.data(), k, m, w_kn.data(), n, tn.data(), accumulate);
          const double bound = 2.0 * double(k + 1) * std::ldexp(1.0, -24) * std::sqrt(double(k));
          CHECK(worst_error(nt, exact) < bound);
          CHECK(worst_error(nn, exact) < bound);
          CHECK(worst_error(tn, exact) < bound);
        }
}

// Without scales the bits must be those of the plain loop (additions only); with them, where the compiler may fuse
// a multiply and an add on one path and not the other, the values.
TEST_CASE("add_rows_in_order adds the rows one by one, in order, with and without scales") {
  seqlab::Random random(32);
  const std::size_t rows = 37, stride = 29;
  for (std::size_t cols : {1, 7, 16, 29}) {
    const auto m = random_values(random, rows * stride), scales = random_values(random, rows * 3);
    for (const bool scaled : {false, true}) {
      CAPTURE(cols);
      CAPTURE(scaled);
      const auto start = random_values(random, cols);
      std::vector<float> got = start, expected = start;
      recurrent::add_rows_in_order(m.data(), rows, cols, stride, scaled ? scales.data() : nullptr, 3, got.data());
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c)
          expected[c] = scaled ? expected[c] + scales[r * 3] * m[r * stride + c] : expected[c] + m[r * stride + c];
      if (!scaled) CHECK(got == expected);
      for (std::size_t c = 0; c < cols; ++c) CHECK(got[c] == doctest::Approx(expected[c]).epsilon(1e-6));
    }
  }
}

TEST_CASE("linear_rows computes x W^T + b, a row's outputs the same bits whatever rows come with it") {
  seqlab::Random random(33);
  const std::size_t rows = 11, o = 3;
  for (std::size_t width : {1, 5, 16, 37}) {
    CAPTURE(width);
    const auto x = random_values(random, rows * width), w = random_values(random, o * width);
    const auto bias = random_values(random, o);
    std::vector<float> all(rows * o);
    recurrent::linear_rows(x.data(), rows, width, w.data(), o, bias.data(), all.data());
    for (std::size_t r = 0; r < rows; ++r) {
      std::vector<float> alone(o);
      recurrent::linear_rows(x.data() + r * width, 1, width, w.data(), o, bias.data(), alone.data());
      for (std::size_t j = 0; j < o; ++j) {
        double exact = bias[j];
        for (std::size_t k = 0; k < width; ++k) exact += double(x[r * width + k]) * w[j * width + k];
        CHECK(all[r * o + j] == alone[j]);
        CHECK(all[r * o + j] == doctest::Approx(exact).epsilon(1e-6));
      }
    }
  }
}
