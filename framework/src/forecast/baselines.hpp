// The two baselines a model must beat on the test windows: persistence and a linear autoregression.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <xtensor/xtensor.hpp>

#include "forecast/data_units.hpp"
#include "seqlab/dataset.hpp"

namespace seqlab {

using Matrix = xt::xtensor<double, 2>;

// What a set's windows are scored on: the targets of their last target step, (count, outputs), model units.
// With `target: sequence` that is the step whose inputs are the whole window, the one forecast compares.
Matrix last_step(const Tensor3& values);
Matrix last_step(const xt::xtensor<double, 3>& values);

// Persistence, (count, outputs) in the data's units: output (h, j) of a window repeats target j's level (`levels`:
// target_levels(), the data before any transform) at the window's last row; with `season` S > 0, the level S
// rows before the predicted row (row last + h + 1), going back whole seasons while that row is not yet observed.
// NaN where the row is before the series or in a gap. Needs levels' rows and set.last_rows.
Matrix persistence_forecast(const SequenceSet& set, const Matrix& levels, const std::vector<OutputFeature>& outputs,
                            std::size_t season);

// outputs = [window inputs flattened, 1] . weights, fitted by least squares (LAPACK's gelsd through
// xtensor-blas, minimum norm when the windows do not determine it) on training windows: all of them while the
// design matrix stays under kMaxDesignValues doubles, else that many evenly spaced ones.
struct LinearAutoregression {
  Matrix weights;  // (window * inputs + 1, outputs)
  std::size_t windows_used = 0;
};
inline constexpr std::size_t kMaxDesignValues = std::size_t{1} << 22;  // 32 MiB of doubles
LinearAutoregression fit_linear_autoregression(const SequenceSet& train);
Matrix predict_linear_autoregression(const LinearAutoregression& fit, const SequenceSet& set);

// linear_ar.json in a run folder: the fit, every weight as the exact double, so `seqlab eval` scores the
// baseline the run did, on any data. from_json throws std::runtime_error naming what is malformed.
nlohmann::json linear_autoregression_to_json(const LinearAutoregression& fit);
LinearAutoregression linear_autoregression_from_json(const nlohmann::json& json);

}  // namespace seqlab
