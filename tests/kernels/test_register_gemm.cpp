// seqlab/kernels/register_gemm.hpp against a double-precision product, held to the textbook
// error bound of float summation, and against OpenBLAS (seqlab::gemm).
#include <doctest/doctest.h>

#include <cmath>
#include <seqlab/blas.hpp>
#include <seqlab/random.hpp>
#include <seqlab/kernels/register_gemm.hpp>
#include <vector>

namespace {

std::vector<float> random_matrix(seqlab::Random& random, std::size_t size) {
  std::vector<float> values(size);
  for (float& v : values) v = static_cast<float>(random.uniform(-1.0, 1.0));
  return values;
}

// The exact C (in double) and, per element, the sum of |terms|: C(i, j) = start + sum_k A(i, k) B(k, j),
// with A(i, k) at a[i * a_row + k * a_col] and B (depth x n) row-major.
struct Exact {
  std::vector<double> value, magnitude;
};
Exact exact_product(const float* a, std::size_t a_row, std::size_t a_col, std::size_t m, std::size_t depth,
                    const float* b, std::size_t n, const std::vector<float>& start, bool accumulate) {
  Exact e{std::vector<double>(m * n), std::vector<double>(m * n)};
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double sum = accumulate ? start[i * n + j] : 0.0, magnitude = std::fabs(sum);
      for (std::size_t k = 0; k < depth; ++k) {
        const double term = double(a[i * a_row + k * a_col]) * double(b[k * n + j]);
        sum += term;
        magnitude += std::fabs(term);
      }
      e.value[i * n + j] = sum;
      e.magnitude[i * n + j] = magnitude;
    }
  return e;
}

// Whether every element of c is within float summation's error bound of the exact
// product: |c - exact| <= (depth + 1) * 2^-24 * sum of |terms| (plus a denormal floor).
bool within_summation_bound(const std::vector<float>& c, const Exact& exact, std::size_t depth) {
  const double unit_roundoff = std::ldexp(1.0, -24);
  for (std::size_t i = 0; i < c.size(); ++i)
    if (std::fabs(c[i] - exact.value[i]) > (depth + 1) * unit_roundoff * exact.magnitude[i] + 1e-30) return false;
  return true;
}

// Largest |x - y| relative to the largest |y|.
double relative_difference(const std::vector<float>& x, const std::vector<float>& y) {
  double worst = 0.0, scale = 1e-30;
  for (std::size_t i = 0; i < x.size(); ++i) {
    worst = std::max(worst, std::fabs(double(x[i]) - double(y[i])));
    scale = std::max(scale, std::fabs(double(y[i])));
  }
  return worst / scale;
}

// The widths each tile shape takes: 1, 2 and 4 vectors, and 3 vectors (1-vector tiles).
std::vector<std::size_t> widths() {
  const std::size_t w = seqlab::register_gemm_detail::kWidth;
  return {w, 2 * w, 3 * w, 4 * w, 8 * w};
}

}  // namespace

TEST_CASE("register GEMM: C = A B and C += A B match OpenBLAS, including row counts no tile divides") {
  seqlab::Random random(5);
  for (std::size_t n : widths())
    for (std::size_t m : {1, 5, 13, 37})
      for (std::size_t k : {1, 3, 32, 130}) {
        CAPTURE(m);
        CAPTURE(n);
        CAPTURE(k);
        const auto a = random_matrix(random, m * k), b = random_matrix(random, k * n);
        const auto start = random_matrix(random, m * n);
        for (bool accumulate : {false, true}) {
          CAPTURE(accumulate);
          std::vector<float> ours = start, blas = start;
          seqlab::register_gemm_nn(a.data(), m, k, b.data(), n, ours.data(), accumulate);
          seqlab::gemm(a.data(), m, k, seqlab::Transpose::no, b.data(), k, n, seqlab::Transpose::no, blas.data(), 1.0f,
                       accumulate ? 1.0f : 0.0f);
          CHECK(within_summation_bound(ours, exact_product(a.data(), k, 1, m, k, b.data(), n, start, accumulate), k));
          CHECK(relative_difference(ours, blas) < 1e-5);
        }
      }
}

TEST_CASE("register GEMM: C = A^T B and C += A^T B match OpenBLAS") {
  seqlab::Random random(6);
  for (std::size_t n : widths())
    for (std::size_t m : {1, 7, 9, 40})
      for (std::size_t rows : {1, 2, 100, 2049}) {
        CAPTURE(m);
        CAPTURE(n);
        CAPTURE(rows);
        const auto a = random_matrix(random, rows * m), b = random_matrix(random, rows * n);
        const auto start = random_matrix(random, m * n);
        for (bool accumulate : {false, true}) {
          CAPTURE(accumulate);
          std::vector<float> ours = start, blas = start;
          seqlab::register_gemm_tn(a.data(), rows, m, b.data(), n, ours.data(), accumulate);
          seqlab::gemm(a.data(), rows, m, seqlab::Transpose::yes, b.data(), rows, n, seqlab::Transpose::no, blas.data(),
                       1.0f, accumulate ? 1.0f : 0.0f);
          const Exact exact = exact_product(a.data(), 1, m, m, rows, b.data(), n, start, accumulate);
          CHECK(within_summation_bound(ours, exact, rows));
          CHECK(relative_difference(ours, blas) < 1e-5);
        }
      }
}

TEST_CASE("register GEMM: it is offered only for widths its tiles cover, and only with 256- or 512-bit SIMD") {
  const std::size_t w = seqlab::register_gemm_detail::kWidth;
  const bool wide_simd = w >= 8;
  CHECK(seqlab::register_gemm_fits(4 * w) == wide_simd);
  CHECK_FALSE(seqlab::register_gemm_fits(w + 1));
  CHECK_FALSE(seqlab::register_gemm_fits(0));
  CHECK(seqlab::register_gemm_tn_fits(128, 32) == wide_simd);
  CHECK_FALSE(seqlab::register_gemm_tn_fits(4096, 1024));        // past the measured size where OpenBLAS wins
  CHECK(seqlab::register_gemm_nn_fits(256, 1024) == wide_simd);  // lstm hidden 256: B of 1 MB
  CHECK_FALSE(seqlab::register_gemm_nn_fits(512, 2048));         // hidden 512: B from L3 per tile, OpenBLAS wins
}
