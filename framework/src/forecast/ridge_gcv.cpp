// Ridge by GCV: centre and scale the design, one thin SVD, then each lambda in closed form.
#include "forecast/ridge_gcv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <xtensor-blas/xlinalg.hpp>

namespace seqlab {

std::vector<double> ridge_lambda_grid(std::size_t rows) {
  std::vector<double> grid{0.0};
  for (int k = -24; k <= 8; ++k) grid.push_back(static_cast<double>(rows) * std::pow(10.0, k / 4.0));
  return grid;
}

RidgeFit ridge_gcv(const xt::xtensor<double, 2>& design, const xt::xtensor<double, 2>& targets) {
  const std::size_t n = design.shape()[0], p = design.shape()[1], k = targets.shape()[1];
  if (n == 0 || targets.shape()[0] != n) throw std::logic_error("ridge_gcv: no rows, or targets of another count");
  const double rows = static_cast<double>(n);
  std::vector<double> mean(p, 0.0), sd(p, 0.0), target_mean(k, 0.0);
  for (std::size_t c = 0; c < p; ++c) {
    for (std::size_t i = 0; i < n; ++i) mean[c] += design(i, c);
    mean[c] /= rows;
    for (std::size_t i = 0; i < n; ++i) sd[c] += (design(i, c) - mean[c]) * (design(i, c) - mean[c]);
    sd[c] = std::sqrt(sd[c] / rows);
  }
  // Constant columns stay out of the SVD (they would add only zero singular values) and get weight 0.
  std::vector<std::size_t> active;
  for (std::size_t c = 0; c < p; ++c)
    if (sd[c] > 0) active.push_back(c);
  xt::xtensor<double, 2> z = xt::xtensor<double, 2>::from_shape({n, active.size()});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = 0; a < active.size(); ++a) z(i, a) = (design(i, active[a]) - mean[active[a]]) / sd[active[a]];
  xt::xtensor<double, 2> centred = xt::xtensor<double, 2>::from_shape({n, k});
  double total = 0;  // ||Y - mean||^2, summed over the outputs
  for (std::size_t o = 0; o < k; ++o) {
    for (std::size_t i = 0; i < n; ++i) target_mean[o] += targets(i, o);
    target_mean[o] /= rows;
    for (std::size_t i = 0; i < n; ++i) {
      centred(i, o) = targets(i, o) - target_mean[o];
      total += centred(i, o) * centred(i, o);
    }
  }

  xt::xtensor<double, 2> u = xt::zeros<double>({n, std::size_t{0}}),
                         vt = xt::zeros<double>({std::size_t{0}, active.size()});
  xt::xtensor<double, 1> s = xt::zeros<double>({std::size_t{0}});
  if (!active.empty()) std::tie(u, s, vt) = xt::linalg::svd(z, false, true);
  const std::size_t r = s.shape()[0];
  const double largest = r ? s(0) : 0.0;
  const double tolerance = static_cast<double>(std::max(n, p)) * std::numeric_limits<double>::epsilon() * largest;
  // q = U' Yc, (r, k): the centred targets in the singular directions.
  xt::xtensor<double, 2> q = xt::zeros<double>({r, k});
  for (std::size_t a = 0; a < r; ++a)
    for (std::size_t o = 0; o < k; ++o)
      for (std::size_t i = 0; i < n; ++i) q(a, o) += u(i, a) * centred(i, o);

  RidgeFit fit;
  fit.gcv = std::numeric_limits<double>::infinity();
  for (double lambda : ridge_lambda_grid(n)) {
    double df = 1, explained = 0;  // the intercept's one degree of freedom
    for (std::size_t a = 0; a < r; ++a) {
      if (!(s(a) > tolerance)) continue;
      const double f = s(a) * s(a) / (s(a) * s(a) + lambda);
      df += f;
      for (std::size_t o = 0; o < k; ++o) explained += (2 * f - f * f) * q(a, o) * q(a, o);
    }
    if (df >= rows) continue;
    const double rss = std::max(0.0, total - explained);
    const double gcv = (rss / rows) / ((1 - df / rows) * (1 - df / rows));
    if (gcv < fit.gcv) {
      fit.gcv = gcv;
      fit.lambda = lambda;
    }
  }
  if (!std::isfinite(fit.gcv)) fit.lambda = 0;

  // beta = V diag(s / (s^2 + lambda)) q on the standardised columns, then back to the design's units.
  fit.weights = xt::zeros<double>({p + 1, k});
  for (std::size_t o = 0; o < k; ++o) {
    double intercept = target_mean[o];
    for (std::size_t ac = 0; ac < active.size(); ++ac) {
      const std::size_t c = active[ac];
      double beta = 0;
      for (std::size_t a = 0; a < r; ++a)
        if (s(a) > tolerance) beta += vt(a, ac) * s(a) / (s(a) * s(a) + fit.lambda) * q(a, o);
      fit.weights(c, o) = beta / sd[c];
      intercept -= fit.weights(c, o) * mean[c];
    }
    fit.weights(p, o) = intercept;
  }
  return fit;
}

}  // namespace seqlab
