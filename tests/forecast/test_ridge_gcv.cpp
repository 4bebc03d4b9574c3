// Ridge by GCV against a direct computation for one column (no SVD: the hat matrix's trace and residuals written
// out), and its edge cases. tests/forecast/reference/ridge_gcv_test.py checks many columns against numpy.
#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <xtensor/xview.hpp>

#include "forecast/ridge_gcv.hpp"

namespace {

using Matrix = xt::xtensor<double, 2>;

struct Direct {
  double lambda = 0, gcv = std::numeric_limits<double>::infinity();
  std::vector<double> weight, intercept;
};

// One column x, outputs y: H = 11'/n + z z' / (z'z + lambda), z the standardised x.
Direct direct(const std::vector<double>& x, const Matrix& y) {
  const std::size_t n = x.size(), k = y.shape()[1];
  double mean = 0, sd = 0;
  for (double v : x) mean += v / n;
  for (double v : x) sd += (v - mean) * (v - mean) / n;
  sd = std::sqrt(sd);
  std::vector<double> z(n), ymean(k, 0.0);
  double zz = 0;
  for (std::size_t i = 0; i < n; ++i) zz += (z[i] = (x[i] - mean) / sd) * z[i];
  for (std::size_t o = 0; o < k; ++o)
    for (std::size_t i = 0; i < n; ++i) ymean[o] += y(i, o) / n;
  Direct best;
  for (double lambda : seqlab::ridge_lambda_grid(n)) {
    const double df = 1 + zz / (zz + lambda);
    double rss = 0;
    for (std::size_t o = 0; o < k; ++o) {
      double zy = 0;
      for (std::size_t i = 0; i < n; ++i) zy += z[i] * (y(i, o) - ymean[o]);
      for (std::size_t i = 0; i < n; ++i) {
        const double r = (y(i, o) - ymean[o]) - z[i] * zy / (zz + lambda);
        rss += r * r;
      }
    }
    const double gcv = (rss / n) / ((1 - df / n) * (1 - df / n));
    if (gcv < best.gcv) best = {lambda, gcv, {}, {}};
  }
  for (std::size_t o = 0; o < k; ++o) {
    double zy = 0;
    for (std::size_t i = 0; i < n; ++i) zy += z[i] * (y(i, o) - ymean[o]);
    best.weight.push_back(zy / (zz + best.lambda) / sd);
    best.intercept.push_back(ymean[o] - best.weight.back() * mean);
  }
  return best;
}

}  // namespace

TEST_CASE("the lambda grid: 0, then n * 10^(k/4) for k = -24 ... 8") {
  const auto grid = seqlab::ridge_lambda_grid(40);
  REQUIRE(grid.size() == 34);
  CHECK(grid[0] == 0);
  CHECK(grid[1] == doctest::Approx(40e-6));
  CHECK(grid[25] == doctest::Approx(40));
  CHECK(grid[33] == doctest::Approx(4000));
}

TEST_CASE("ridge GCV on one column matches the hat matrix written out, for one output and for two") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const Matrix y = {{2.0, 1}, {1.0, 3}, {4.0, 2}, {3.0, 5}, {6.0, 1}, {2.0, 4}, {5.0, 2}, {4.0, 6}, {3.5, 3}, {5.5, 4}};
  Matrix design = Matrix::from_shape({x.size(), 1});
  for (std::size_t i = 0; i < x.size(); ++i) design(i, 0) = x[i];
  for (const std::size_t outputs : {1, 2}) {
    CAPTURE(outputs);
    const Matrix wanted = xt::view(y, xt::all(), xt::range(0, outputs));
    const Direct expected = direct(x, wanted);
    REQUIRE(expected.lambda > 0);  // the fixture is noisy enough to want shrinkage
    const auto fit = seqlab::ridge_gcv(design, wanted);
    CHECK(fit.lambda == expected.lambda);
    CHECK(fit.gcv == doctest::Approx(expected.gcv).epsilon(1e-12));
    REQUIRE(fit.weights.shape()[0] == 2);
    for (std::size_t o = 0; o < outputs; ++o) {
      CHECK(fit.weights(0, o) == doctest::Approx(expected.weight[o]).epsilon(1e-12));
      CHECK(fit.weights(1, o) == doctest::Approx(expected.intercept[o]).epsilon(1e-12));
    }
  }
}

TEST_CASE("ridge GCV: an exact fit takes lambda 0, a constant column gets weight 0, too few rows take lambda 0") {
  Matrix design = Matrix::from_shape({12, 2}), y = Matrix::from_shape({12, 1});
  for (std::size_t i = 0; i < 12; ++i) {
    design(i, 0) = std::sin(static_cast<double>(i));
    design(i, 1) = 3;  // constant
    y(i, 0) = 2 * design(i, 0) + 1;
  }
  const auto exact = seqlab::ridge_gcv(design, y);
  CHECK(exact.lambda == 0);
  CHECK(exact.weights(0, 0) == doctest::Approx(2));
  CHECK(exact.weights(1, 0) == 0);
  CHECK(exact.weights(2, 0) == doctest::Approx(1));

  // One row: every lambda's df (1 for the intercept) reaches n, so lambda 0 and the mean.
  const Matrix one = {{5.0}}, one_y = {{2.0}};
  const auto single = seqlab::ridge_gcv(one, one_y);
  CHECK(single.lambda == 0);
  CHECK(single.weights(0, 0) == 0);
  CHECK(single.weights(1, 0) == 2);
}
