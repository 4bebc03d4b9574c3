// The two baselines a model must beat on the test windows: persistence and a linear autoregression.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <xtensor/xtensor.hpp>

#include "forecast/data_units.hpp"
#include "seqlab/dataset.hpp"

namespace seqlab {

using Matrix = xt::xtensor<double, 2>;

// What a set's windows are scored on: the targets of their last target step, (count, outputs), model units.
// With `target: sequence` that is the step whose inputs are the whole window, the one forecast compares.
Matrix last_step(const Tensor3& values);
Matrix last_step(const xt::xtensor<double, 3>& values);

// Persistence, (count, outputs) in the data's units, read from `levels` (target_levels of the series): output
// (h, j) of a window repeats target j's value at the window's last row; with `season` S > 0, the value S rows before
// the predicted row (row last + h + 1), going back whole seasons while that row is not yet observed. NaN where the row
// is before the series or in a gap. Needs set.last_rows. `season` 0 is plain persistence, S > 0 the seasonal-naive
// forecast.
Matrix persistence_forecast(const SequenceSet& set, const Matrix& levels, const std::vector<OutputFeature>& outputs,
                            std::size_t season);

// outputs = [window inputs flattened, 1] . weights, fitted by ridge regression on training windows (all of them
// while the design matrix stays under kMaxDesignValues doubles, else that many evenly spaced ones), its strength
// chosen by generalised cross-validation (forecast/ridge_gcv.hpp). When GCV picks lambda 0 the weights are plain
// least squares as before ridge (LAPACK's gelsd through xtensor-blas, minimum norm when the windows do not
// determine it), so a fit that needs no shrinkage keeps its numbers.
struct LinearAutoregression {
  Matrix weights;  // (window * inputs + 1, outputs)
  std::size_t windows_used = 0;
  double lambda = 0;  // the ridge strength on the standardised design; 0 in linear_ar.json files from before it
};
inline constexpr std::size_t kMaxDesignValues = std::size_t{1} << 22;  // 32 MiB of doubles
LinearAutoregression fit_linear_autoregression(const SequenceSet& train);
Matrix predict_linear_autoregression(const LinearAutoregression& fit, const SequenceSet& set);
// One line when the fit had fewer than ten training windows per coefficient (weights rows), else "".
std::string linear_autoregression_note(const LinearAutoregression& fit);

// linear_ar.json in a run folder: the fit, every weight as the exact double, so `seqlab eval` scores the
// baseline the run did, on any data. from_json throws std::runtime_error naming what is malformed.
nlohmann::json linear_autoregression_to_json(const LinearAutoregression& fit);
LinearAutoregression linear_autoregression_from_json(const nlohmann::json& json);

}  // namespace seqlab
