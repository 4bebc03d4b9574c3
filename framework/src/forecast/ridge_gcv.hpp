// Ridge regression with its strength chosen by generalised cross-validation, in closed form from one SVD.
#pragma once

#include <cstddef>
#include <vector>
#include <xtensor/xtensor.hpp>

namespace seqlab {

struct RidgeFit {
  xt::xtensor<double, 2> weights;  // (columns + 1, outputs): on [design row, 1], in the design's own units
  double lambda = 0;               // the strength chosen, on the standardised design (see ridge_lambda_grid)
  double gcv = 0;                  // its GCV score: (RSS / n) / (1 - df / n)^2, RSS summed over the outputs
};

// The strengths tried: 0, then n * 10^(k/4) for k = -24 ... 8 (n = rows). The design's columns are centred and
// scaled to unit variance, so X'X has n on its diagonal and lambda / n is the shrinkage relative to it.
std::vector<double> ridge_lambda_grid(std::size_t rows);

// Minimises ||Y - 1 b - X W||^2 + lambda ||S W||^2 over the grid's lambdas, S the columns' standard deviations
// (the ridge on the standardised design; the intercept b is not penalised; a constant column gets weight 0).
// One lambda for all outputs, the one with the least GCV summed over them (the first on a tie); a lambda whose
// degrees of freedom (1 + sum s^2 / (s^2 + lambda)) reach n is skipped, and 0 is taken when every one is.
// Singular values below max(n, columns) * eps * the largest count as 0 (the minimum-norm solution at lambda 0).
RidgeFit ridge_gcv(const xt::xtensor<double, 2>& design, const xt::xtensor<double, 2>& targets);

}  // namespace seqlab
